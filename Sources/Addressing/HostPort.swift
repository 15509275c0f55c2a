/// A host (a name, an IPv4 address or an IPv6 address without brackets) and an optional port,
/// as an operator writes it in a flag: `sip.example.com`, `198.51.100.7:5070`, `[2001:db8::1]:5060`.
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int?

    public init(host: String, port: Int? = nil) {
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address; nil for an empty
    /// host or a port outside 1–65535.
    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: " \t")
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                port = nil
            } else {
                guard rest.hasPrefix(":"), let port = Self.port(rest.dropFirst()) else { return nil }
                self.port = port
            }
        } else if text.filter({ $0 == ":" }).count > 1 {
            host = text  // a bare IPv6 address has no port
            port = nil
        } else if let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let port = Self.port(text[text.index(after: colon)...]) else { return nil }
            self.port = port
        } else {
            host = text
            port = nil
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else { return nil }
    }

    private static func port(_ text: Substring) -> Int? {
        guard let port = Int(text), (1...65535).contains(port) else { return nil }
        return port
    }

    /// The host as it stands in a URI or a Via: IPv6 addresses in brackets.
    public var uriHost: String { host.contains(":") ? "[\(host)]" : host }

    public var description: String { uriHost + (port.map { ":\($0)" } ?? "") }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
