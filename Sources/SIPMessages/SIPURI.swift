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
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let scheme = String(text[..<colon]).asciiLowercased
        guard scheme == "sip" || scheme == "sips" else { return nil }
        self.scheme = scheme
        var rest = Substring(text[text.utf8.index(after: colon)...])
        if let question = rest.utf8.firstIndex(of: UInt8(ascii: "?")) {
            headers = String(rest[rest.utf8.index(after: question)...])
            rest = rest[..<question]
        } else {
            headers = nil
        }
        if let at = rest.utf8.lastIndex(of: UInt8(ascii: "@")) {
            let userinfo = rest[..<at]
            let userPart = userinfo[..<(userinfo.utf8.firstIndex(of: UInt8(ascii: ":")) ?? userinfo.endIndex)]
            guard !userPart.isEmpty else { return nil }
            user = userPart.removingSIPPercentEncoding
            rest = rest[rest.utf8.index(after: at)...]
        } else {
            user = nil
        }
        let hostport: Substring
        if let semicolon = rest.utf8.firstIndex(of: UInt8(ascii: ";")) {
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
        if let user { text += Self.escapedUser(user) + "@" }
        text += host.contains(":") ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        for key in parameters.keys.sorted() {
            text += ";" + key + (parameters[key].map { $0.isEmpty ? "" : "=" + $0 } ?? "")
        }
        if let headers { text += "?" + headers }
        return text
    }
}

extension SIPURI {
    /// The user part as RFC 3261 §25.1 allows it on the wire: unreserved and user-unreserved
    /// characters as they are, anything else (a space, a CR, an `@`) percent-escaped.
    static func escapedUser(_ user: String) -> String {
        guard user.utf8.contains(where: { !isUserCharacter($0) }) else { return user }
        var escaped = ""
        for byte in user.utf8 {
            if isUserCharacter(byte) {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                escaped += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return escaped
    }

    private static func isUserCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-_.!~*'()&=+$,;?/".utf8.contains(byte)
        }
    }
}

/// `;name=value` parameter lists and host[:port] parts shared by URIs, name-addrs and Via.
enum SIPParameters {
    /// Parses `;a=b;c` (leading `;` optional) into lowercased names; a bare name has value "".
    /// Scans bytes: it runs for every Via, URI and name-addr.
    static func parse(_ text: some StringProtocol) -> [String: String] {
        var result: [String: String] = [:]
        for part in SIPHeaders.splitOutsideQuotes(String(text), separator: ";") {
            let utf8 = part.utf8
            guard let equals = utf8.firstIndex(of: UInt8(ascii: "=")) else {
                let name = part.trimmingSIPWhitespace()
                if !name.isEmpty { result[name.asciiLowercased] = "" }
                continue
            }
            let name = part[..<equals].trimmingSIPWhitespace()
            guard !name.isEmpty else { continue }
            var value = part[utf8.index(after: equals)...].trimmingSIPWhitespace()
            if value.utf8.count >= 2, value.utf8.first == UInt8(ascii: "\""), value.utf8.last == UInt8(ascii: "\"") {
                value = String(value.dropFirst().dropLast())
            }
            result[name.asciiLowercased] = value
        }
        return result
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port`; nil when malformed. Checks bytes: it runs for
    /// every Via and URI.
    static func hostPort(_ text: some StringProtocol) -> (String, Int?)? {
        let bytes = Array(String(text).utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        guard start < end else { return nil }
        let host: ArraySlice<UInt8>
        var rest: ArraySlice<UInt8>
        if bytes[start] == UInt8(ascii: "[") {
            guard let close = bytes[start..<end].firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = bytes[(start + 1)..<close]
            guard !host.isEmpty, host.allSatisfy(isIPv6Byte) else { return nil }
            rest = bytes[(close + 1)..<end]
        } else {
            let colon = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")) ?? end
            host = bytes[start..<colon]
            guard !host.isEmpty, host.allSatisfy(isHostByte) else { return nil }
            rest = bytes[colon..<end]
        }
        let hostText = String(decoding: host, as: UTF8.self)
        if rest.isEmpty { return (hostText, nil) }
        guard rest.first == UInt8(ascii: ":") else { return nil }
        rest = rest.dropFirst()
        guard !rest.isEmpty, rest.count <= 5, rest.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let port = rest.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard port <= 65535 else { return nil }
        return (hostText, port)
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    private static func isIPv6Byte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: ":"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }
}

extension SIPHeaders {
    /// Splits at `separator` (ASCII) outside quoted strings (and outside `<…>` when
    /// `keepingAngleBracketsWhole`); scans bytes, as it runs for every parameter list.
    public static func splitOutsideQuotes(_ text: String, separator: Character, keepingAngleBracketsWhole: Bool = false) -> [String] {
        guard let separator = separator.asciiValue else { return [text] }
        var parts: [String] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = utf8.startIndex
        var inQuotes = false
        var inAngle = false
        var escaped = false
        while index != utf8.endIndex {
            let byte = utf8[index]
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") && inQuotes {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if keepingAngleBracketsWhole && !inQuotes && (byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")) {
                inAngle = byte == UInt8(ascii: "<")
            } else if byte == separator && !inQuotes && !inAngle {
                parts.append(String(text[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        parts.append(String(text[start...]))
        return parts
    }
}

extension String {
    /// Lowercased in ASCII only, without a copy when it already is: for protocol tokens.
    var asciiLowercased: String {
        guard utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return self }
        return String(decoding: utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
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
