/// The IANA special-purpose blocks that are not globally reachable (RFC 6890 and its updates):
/// loopback, private (RFC 1918, ULA), link-local, CGNAT, benchmarking, documentation,
/// multicast and the unspecified addresses. A tenant's SIP target or webhook in one of them
/// points into the operator's own network.
public enum ReservedAddresses {
    public static let ranges: [AddressRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7",
        "fe80::/10", "ff00::/8",
    ].compactMap(AddressRange.init)

    /// Whether `address` (IPv4, IPv6 or IPv4-mapped) lies in a reserved block; text that is no
    /// address at all counts as reserved, so nothing unparsed is ever reached.
    public static func contains(_ address: String) -> Bool {
        let address = IPAddress.unmapped(address)
        guard IPAddress.isLiteral(address) else { return true }
        return ranges.contains { $0.contains(address) }
    }
}
