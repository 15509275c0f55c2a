import Glibc

/// Name resolution through getaddrinfo(3), which blocks: call it off the event loops and
/// actors (a detached task). IP literals come back as they are.
public enum HostResolver {
    /// The IPv4 and IPv6 addresses of `host`, IPv4 first; empty when it does not resolve.
    public static func addresses(of host: String) -> [String] {
        if IPAddress.isLiteral(host) { return [host] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = CInt(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var v4: [String] = []
        var v6: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if entry.pointee.ai_family == AF_INET, let address = entry.pointee.ai_addr {
                var bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                if inet_ntop(AF_INET, &bytes, &buffer, socklen_t(buffer.count)) != nil { v4.append(String(cString: buffer)) }
            } else if entry.pointee.ai_family == AF_INET6, let address = entry.pointee.ai_addr {
                var bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                if inet_ntop(AF_INET6, &bytes, &buffer, socklen_t(buffer.count)) != nil { v6.append(String(cString: buffer)) }
            }
            node = entry.pointee.ai_next
        }
        var seen = Set<String>()
        return (v4 + v6).filter { seen.insert($0).inserted }
    }
}
