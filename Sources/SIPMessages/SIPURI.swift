/// A `sip:` or `sips:` URI (RFC 3261 §19.1): user, host (IPv6 references in brackets), port,
/// `;parameters` and `?headers`.
public struct SIPURI: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var user: String?
    public var host: String
    public var port: Int?
    public var parameters: [String: String]
    public var headers: String?

    public init(scheme: String = "sip", user: String? = nil, host: String, port: Int? = nil, parameters: [String: String] = [:]) {
        self.scheme = scheme
        self.user = user
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = nil
    }

    public init?(_ text: some StringProtocol) {
        let text = String(text).trimmingSIPWhitespace()
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard scheme == "sip" || scheme == "sips" else { return nil }
        self.scheme = scheme
        var rest = Substring(text[text.index(after: colon)...])
        if let question = rest.firstIndex(of: "?") {
            headers = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        } else {
            headers = nil
        }
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            let userPart = userinfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            guard !userPart.isEmpty else { return nil }
            user = userPart.removingSIPPercentEncoding
            rest = rest[rest.index(after: at)...]
        } else {
            user = nil
        }
        let hostport: Substring
        if let semicolon = rest.firstIndex(of: ";") {
            hostport = rest[..<semicolon]
            parameters = SIPParameters.parse(rest[semicolon...])
        } else {
            hostport = rest
            parameters = [:]
        }
        guard let (host, port) = SIPParameters.hostPort(hostport) else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String {
        var text = scheme + ":"
        if let user { text += user + "@" }
        text += host.contains(":") ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        for key in parameters.keys.sorted() {
            text += ";" + key + (parameters[key].map { $0.isEmpty ? "" : "=" + $0 } ?? "")
        }
        if let headers { text += "?" + headers }
        return text
    }
}

/// `;name=value` parameter lists and host[:port] parts shared by URIs, name-addrs and Via.
enum SIPParameters {
    /// Parses `;a=b;c` (leading `;` optional) into lowercased names; a bare name has value "".
    static func parse(_ text: some StringProtocol) -> [String: String] {
        var result: [String: String] = [:]
        for part in SIPHeaders.splitOutsideQuotes(String(text), separator: ";") {
            let trimmed = part.trimmingSIPWhitespace()
            guard !trimmed.isEmpty else { continue }
            if let equals = trimmed.firstIndex(of: "=") {
                var value = trimmed[trimmed.index(after: equals)...].trimmingSIPWhitespace()
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                result[trimmed[..<equals].trimmingSIPWhitespace().lowercased()] = value
            } else {
                result[trimmed.lowercased()] = ""
            }
        }
        return result
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port`; nil when malformed.
    static func hostPort(_ text: some StringProtocol) -> (String, Int?)? {
        let text = String(text).trimmingSIPWhitespace()
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            let after = text[text.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":"), let port = Int(after.dropFirst()), (0...65535).contains(port) else { return nil }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty,
            parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" })
        else { return nil }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (0...65535).contains(port) else { return nil }
            return (String(parts[0]), port)
        }
        return (String(parts[0]), nil)
    }
}

extension SIPHeaders {
    /// Splits at `separator` (ASCII) outside quoted strings; scans bytes, as it runs for every
    /// parameter list of every message.
    static func splitOutsideQuotes(_ text: String, separator: Character) -> [String] {
        guard let separator = separator.asciiValue else { return [text] }
        var parts: [String] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = utf8.startIndex
        var inQuotes = false
        var escaped = false
        while index != utf8.endIndex {
            let byte = utf8[index]
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") && inQuotes {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == separator && !inQuotes {
                parts.append(String(text[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        parts.append(String(text[start...]))
        return parts
    }
}

extension StringProtocol {
    /// `%XX` escapes decoded; the text unchanged when they are malformed.
    var removingSIPPercentEncoding: String {
        guard contains("%") else { return String(self) }
        var bytes: [UInt8] = []
        var iterator = Array(utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else if byte == UInt8(ascii: "%") {
                return String(self)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? String(self)
    }
}
