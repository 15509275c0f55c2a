import Glibc

/// Helpers for the textual IP addresses that sockets, SIP and SDP carry.
public enum IPAddress {
    /// Whether `text` is an IPv4 or IPv6 address (not a name).
    public static func isLiteral(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// Whether `text` is an IPv6 address.
    public static func isIPv6(_ text: String) -> Bool {
        var v6 = in6_addr()
        return inet_pton(AF_INET6, text, &v6) == 1
    }

    /// An IPv4-mapped IPv6 address (`::ffff:198.18.0.2`, what a dual-stack socket reports for
    /// an IPv4 peer) as the IPv4 address it maps; any other text unchanged.
    public static func unmapped(_ text: String) -> String {
        let prefix = "::ffff:"
        guard text.lowercased().hasPrefix(prefix) else { return text }
        let rest = String(text.dropFirst(prefix.count))
        var v4 = in_addr()
        return inet_pton(AF_INET, rest, &v4) == 1 ? rest : text
    }

    /// Whether `text` is the wildcard address a socket binds to listen on every interface.
    public static func isWildcard(_ text: String) -> Bool {
        text == "0.0.0.0" || text == "::" || text == "[::]"
    }

    /// Whether `text` is a loopback address (127.0.0.0/8 or ::1).
    public static func isLoopback(_ text: String) -> Bool {
        let text = unmapped(text)
        return text.hasPrefix("127.") || text == "::1"
    }
}
