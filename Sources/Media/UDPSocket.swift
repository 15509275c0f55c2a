import Glibc
import NIOCore

/// An RTP session's UDP socket, bound here and handed to SwiftNIO for reading, while sending
/// goes straight to `sendto(2)`: one system call per packet, without a pass through the
/// channel pipeline, its pending-write queue and an envelope per datagram. A send that finds
/// the socket's buffer full drops the packet (RTP has no retransmission to wait for). Used on
/// the session's event loop only; the descriptor belongs to the channel, which closes it.
struct UDPSocket {
    let descriptor: CInt

    enum BindError: Error {
        case failed(errno: CInt)
    }

    /// A non-blocking socket bound to `host`:`port` (SO_REUSEADDR, as NIO sets it).
    static func bind(host: String, port: Int) throws -> UDPSocket {
        let address = try SocketAddress(ipAddress: host, port: port)
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw BindError.failed(errno: errno) }
        var on: CInt = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<CInt>.size))
        let bound = address.withSockAddr { Glibc.bind(descriptor, $0, socklen_t($1)) }
        guard bound == 0 else {
            let error = errno
            _ = Glibc.close(descriptor)
            throw BindError.failed(errno: error)
        }
        return UDPSocket(descriptor: descriptor)
    }

    /// Closes a socket no channel took over.
    func close() {
        _ = Glibc.close(descriptor)
    }

    /// Sends `bytes` to `remote`; false when the datagram was not sent.
    func send(_ bytes: UnsafeRawBufferPointer, to remote: SocketAddress) -> Bool {
        remote.withSockAddr { address, length in
            sendto(descriptor, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), address, socklen_t(length)) == bytes.count
        }
    }
}
