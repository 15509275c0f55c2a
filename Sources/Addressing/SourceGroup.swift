import Glibc

/// The unit one client is counted by, for throttles and connection quotas: an IPv4 address,
/// or an IPv6 /64 (one customer's network, whose addresses an attacker could walk through).
public enum SourceGroup {
    /// `198.18.0.7` for IPv4 (also IPv4-mapped), `2001:db8:1:2::/64` for IPv6; any other text
    /// (an account SID, a name) as it is.
    public static func key(_ address: String) -> String {
        var bytes = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        let octets = withUnsafeBytes(of: bytes) { Array($0) }
        if octets[0..<10].allSatisfy({ $0 == 0 }), octets[10] == 0xFF, octets[11] == 0xFF {
            return octets[12..<16].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(octets[$0]) << 8 | UInt16(octets[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
