import Glibc

/// The addresses of this host's interfaces (getifaddrs(3)): with the listening ports, they
/// say whether a destination is Parley itself.
public enum LocalInterfaces {
    public static func addresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(first) }
        var found: [String] = []
        var node: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = node {
            node = entry.pointee.ifa_next
            guard let address = entry.pointee.ifa_addr else { continue }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                var bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                if inet_ntop(AF_INET, &bytes, &buffer, socklen_t(buffer.count)) != nil { found.append(String(cString: buffer)) }
            case AF_INET6:
                var bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                if inet_ntop(AF_INET6, &bytes, &buffer, socklen_t(buffer.count)) != nil { found.append(String(cString: buffer)) }
            default:
                continue
            }
        }
        return found
    }
}
