import Glibc

/// The local address the kernel sends from toward a peer: a UDP socket `connect`ed to the peer
/// (which sends nothing) and read back with getsockname(2). This is how a process bound to the
/// wildcard address learns which of its interfaces a peer reaches it on.
public enum RouteLookup {
    /// The source address toward `peer` (an IPv4 or IPv6 address), or nil when there is no route.
    public static func localAddress(toward peer: String) -> String? {
        let peer = IPAddress.unmapped(peer)
        guard let (address, length, family) = socketAddress(of: peer) else { return nil }
        var remote = address
        let descriptor = socket(family, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, length) }
        }
        guard connected == 0 else { return nil }
        var local = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &localLength) }
        }
        guard named == 0 else { return nil }
        return text(of: &local)
    }

    /// `address` as a socket address (at the discard port; nothing is sent), with its length and family.
    private static func socketAddress(of address: String) -> (sockaddr_storage, socklen_t, CInt)? {
        var storage = sockaddr_storage()
        func store<Address>(_ value: Address) -> socklen_t {
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: value, as: Address.self) }
            return socklen_t(MemoryLayout<Address>.size)
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, address, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(9).bigEndian
            let length = store(v6)
            return (storage, length, AF_INET6)
        }
        var v4 = sockaddr_in()
        guard inet_pton(AF_INET, address, &v4.sin_addr) == 1 else { return nil }
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = in_port_t(9).bigEndian
        let length = store(v4)
        return (storage, length, AF_INET)
    }

    private static func text(of storage: inout sockaddr_storage) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = CInt(storage.ss_family)
        let written: UnsafePointer<CChar>? = withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var bytes = address.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &bytes, &buffer, socklen_t(buffer.count))
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var bytes = address.pointee.sin_addr
                    return inet_ntop(AF_INET, &bytes, &buffer, socklen_t(buffer.count))
                }
            }
        }
        guard written != nil else { return nil }
        return String(cString: buffer)
    }
}
