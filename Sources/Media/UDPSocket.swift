import Glibc
import NIOCore

/// An RTP or RTCP socket of a session, read by its `MediaLoop` and written straight with
/// `sendto(2)`: one system call per packet. A send that finds the socket's buffer full drops
/// the packet (RTP has no retransmission to wait for). Used on the session's loop only,
/// which closes it after it stops reading it.
struct UDPSocket {
    let descriptor: CInt
    /// Bound to an IPv6 address (`::` for both families): IPv4 far ends are then written as
    /// IPv4-mapped addresses.
    let isIPv6: Bool

    enum BindError: Error {
        case failed(errno: CInt)
    }

    /// A non-blocking socket bound to `host`:`port`. Without SO_REUSEADDR: a port another
    /// process holds (another Parley, a listener waiting for audio) fails to bind instead of
    /// being shared with it.
    static func bind(host: String, port: Int) throws -> UDPSocket {
        let address = try SocketAddress(ipAddress: host, port: port)
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw BindError.failed(errno: errno) }
        let bound = address.withSockAddr { Glibc.bind(descriptor, $0, socklen_t($1)) }
        guard bound == 0 else {
            let error = errno
            _ = Glibc.close(descriptor)
            throw BindError.failed(errno: error)
        }
        return UDPSocket(descriptor: descriptor, isIPv6: family == AF_INET6)
    }

    func close() {
        _ = Glibc.close(descriptor)
    }

    /// Fixes the far end: sends need no address and skip the kernel's route lookup, and only
    /// that far end's datagrams are read. False when it could not be done (sends then name
    /// the address each time).
    func connect(to remote: PeerAddress) -> Bool {
        withUnsafeBytes(of: remote.storage) { address in
            Glibc.connect(descriptor, address.baseAddress!.assumingMemoryBound(to: sockaddr.self), remote.length) == 0
        }
    }

    /// Accepts datagrams from anywhere again (the far end moved).
    func disconnect() {
        var unspecified = sockaddr()
        unspecified.sa_family = sa_family_t(AF_UNSPEC)
        _ = Glibc.connect(descriptor, &unspecified, socklen_t(MemoryLayout<sockaddr>.size))
    }

    /// Sends `bytes` to the connected far end.
    func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
        Glibc.send(descriptor, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT)) == bytes.count
    }

    /// Sends `bytes` to `remote`; false when the datagram was not sent.
    func send(_ bytes: UnsafeRawBufferPointer, to remote: PeerAddress) -> Bool {
        withUnsafeBytes(of: remote.storage) { address in
            sendto(
                descriptor, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), address.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                remote.length) == bytes.count
        }
    }
}
