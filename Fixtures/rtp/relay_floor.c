/* relay_floor: the same relay as Parley's G.711 bridges, in plain C, for a floor to compare
 * the benchmark's figure with. One thread; <pairs> bridges, each a socket packets come in on
 * and a socket they leave from (A-law re-encoded to μ-law through a table, as the benchmark's
 * bridges do); readiness from level-triggered epoll, one recvfrom and one sendto per packet.
 *
 *   relay_floor <pairs> <destination-port>
 *
 * Prints the incoming ports on one line, relays to 127.0.0.1:<destination-port> until no
 * packet came for two seconds, then prints "relayed N cpu S" (S: its CPU seconds). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int bound(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in self = { .sin_family = AF_INET, .sin_port = 0 };
    inet_pton(AF_INET, "127.0.0.1", &self.sin_addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&self, sizeof self) != 0) { perror("bind"); exit(1); }
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: relay_floor pairs destination-port\n"); return 2; }
    int pairs = atoi(argv[1]);
    struct sockaddr_in destination = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    inet_pton(AF_INET, "127.0.0.1", &destination.sin_addr);
    unsigned char map[256];
    for (int i = 0; i < 256; i++) map[i] = (unsigned char)(i ^ 0x55);
    int epoll = epoll_create1(0);
    int *out = calloc(65536, sizeof *out);
    for (int i = 0; i < pairs; i++) {
        int in = bound(), leaving = bound();
        out[in] = leaving;
        struct epoll_event event = { .events = EPOLLIN, .data.fd = in };
        epoll_ctl(epoll, EPOLL_CTL_ADD, in, &event);
        struct sockaddr_in self;
        socklen_t length = sizeof self;
        getsockname(in, (struct sockaddr *)&self, &length);
        printf("%d ", ntohs(self.sin_port));
    }
    printf("\n");
    fflush(stdout);
    long relayed = 0;
    int started = 0;
    unsigned char packet[2048];
    struct epoll_event events[256];
    for (;;) {
        int count = epoll_wait(epoll, events, 256, started ? 2000 : 60000);
        if (count <= 0) break;
        started = 1;
        for (int i = 0; i < count; i++) {
            struct sockaddr_storage source;
            socklen_t length = sizeof source;
            ssize_t size = recvfrom(events[i].data.fd, packet, sizeof packet, MSG_DONTWAIT, (struct sockaddr *)&source, &length);
            if (size < 12) continue;
            for (ssize_t j = 12; j < size; j++) packet[j] = map[packet[j]];
            if (sendto(out[events[i].data.fd], packet, size, MSG_DONTWAIT, (struct sockaddr *)&destination, sizeof destination) == size) relayed++;
        }
    }
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double cpu = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    printf("relayed %ld cpu %.2f\n", relayed, cpu);
    return 0;
}
