import Glibc
import NIOCore

/// A datagram's far end as the kernel reads and writes it (a `sockaddr_storage` and its
/// length): a plain value, so taking it from every packet received and giving it to every
/// packet sent copies bytes and allocates nothing (NIO's `SocketAddress` keeps a text form).
struct PeerAddress {
    var storage = sockaddr_storage()
    var length = socklen_t(0)

    init() {}

    /// The address of `host`:`port`, parsed once when signalling gives it; for an IPv6 socket
    /// (`mapped`) an IPv4 host becomes its IPv4-mapped IPv6 address, as a dual-stack socket needs.
    init(host: String, port: Int, mapped: Bool = false) throws {
        let isIPv4 = !host.contains(":")
        let address = try SocketAddress(ipAddress: mapped && isIPv4 ? "::ffff:" + host : host, port: port)
        address.withSockAddr { address, size in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: size)) }
            length = socklen_t(size)
        }
    }

    var port: Int {
        withUnsafeBytes(of: storage) { bytes in
            // sin_port and sin6_port sit at the same offset, in network order.
            Int(UInt16(bigEndian: bytes.load(fromByteOffset: 2, as: UInt16.self)))
        }
    }

    /// The same host at another port (RTCP's, next to RTP's).
    func with(port: Int) -> PeerAddress {
        var copy = self
        withUnsafeMutableBytes(of: &copy.storage) { $0.storeBytes(of: UInt16(port).bigEndian, toByteOffset: 2, as: UInt16.self) }
        return copy
    }

    /// Whether both name the same host, whatever their ports.
    func sameHost(as other: PeerAddress) -> Bool {
        withUnsafeBytes(of: storage) { mine in
            withUnsafeBytes(of: other.storage) { theirs in
                let family = mine.load(as: sa_family_t.self)
                guard family == theirs.load(as: sa_family_t.self) else { return false }
                // sin_addr follows the port; sin6_addr follows the port and the flow label.
                let range = Int32(family) == AF_INET ? 4..<8 : 8..<24
                return mine[range].elementsEqual(theirs[range])
            }
        }
    }

    /// Whether both name the same host and port.
    func same(as other: PeerAddress) -> Bool {
        port == other.port && sameHost(as: other)
    }
}
