/* rtp_blast: a load generator for Parley's RTP relay, in C so the sender costs little.
 *
 *   rtp_blast <ports> <packets-per-second> <seconds>
 *
 * Binds one UDP socket on 127.0.0.1 (an ephemeral port, printed on the first line as
 * "port N" so the relay's far ends can point at it), reads the <ports> target ports from
 * stdin, then sends 172-byte RTP packets (PCMA, 20 ms) to them round-robin at the given rate
 * for the given time, in batches of sendmmsg, while counting every datagram that comes back.
 * Prints "sent N received M". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: rtp_blast ports rate seconds\n"); return 2; }
    int ports = atoi(argv[1]);
    double rate = atof(argv[2]), seconds = atof(argv[3]);
    if (ports <= 0) return 2;
    int *port = calloc(ports, sizeof *port);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int size = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    struct sockaddr_in self = { .sin_family = AF_INET, .sin_port = 0 };
    inet_pton(AF_INET, "127.0.0.1", &self.sin_addr);
    if (bind(fd, (struct sockaddr *)&self, sizeof self) != 0) { perror("bind"); return 1; }
    socklen_t length = sizeof self;
    getsockname(fd, (struct sockaddr *)&self, &length);
    printf("port %d\n", ntohs(self.sin_port));
    fflush(stdout);
    for (int i = 0; i < ports; i++)
        if (scanf("%d", &port[i]) != 1) return 1;

    enum { BATCH = 32 };
    unsigned char packets[BATCH][172];
    struct sockaddr_in targets[BATCH];
    struct iovec vectors[BATCH];
    struct mmsghdr messages[BATCH];
    unsigned char inbox[BATCH][256];
    struct iovec in_vectors[BATCH];
    struct mmsghdr in_messages[BATCH];
    for (int i = 0; i < BATCH; i++) {
        memset(packets[i], 0xD5, sizeof packets[i]);
        packets[i][0] = 0x80;
        packets[i][1] = 8;
        vectors[i] = (struct iovec){ packets[i], sizeof packets[i] };
        targets[i] = self;
        messages[i].msg_hdr = (struct msghdr){ .msg_name = &targets[i], .msg_namelen = sizeof targets[i], .msg_iov = &vectors[i], .msg_iovlen = 1 };
        in_vectors[i] = (struct iovec){ inbox[i], sizeof inbox[i] };
        in_messages[i].msg_hdr = (struct msghdr){ .msg_iov = &in_vectors[i], .msg_iovlen = 1 };
    }
    long sent = 0, received = 0;
    unsigned short sequence = 0;
    double start = now(), end = start + seconds;
    while (1) {
        double t = now();
        if (t >= end + 0.5) break;
        long due = t < end ? (long)((t - start) * rate) : (long)(seconds * rate);
        while (sent < due) {
            int count = due - sent < BATCH ? (int)(due - sent) : BATCH;
            for (int i = 0; i < count; i++) {
                long n = sent + i;
                targets[i].sin_port = htons(port[n % ports]);
                packets[i][2] = sequence >> 8;
                packets[i][3] = sequence & 0xFF;
                if ((n % ports) == ports - 1) sequence++;
            }
            int done = sendmmsg(fd, messages, count, 0);
            if (done <= 0) break;
            sent += done;
        }
        int got;
        while ((got = recvmmsg(fd, in_messages, BATCH, MSG_DONTWAIT, NULL)) > 0) received += got;
        usleep(200);
    }
    printf("sent %ld received %ld\n", sent, received);
    return 0;
}
