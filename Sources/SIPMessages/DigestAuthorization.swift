/// The fields of an `Authorization` or `Proxy-Authorization` header with the Digest scheme
/// (RFC 7616 §3.4): `username`, `realm`, `nonce`, `uri`, `response`, `algorithm`, `qop`, `nc`,
/// `cnonce`, `opaque`. Names are lowercased; quoted values unquoted and unescaped.
public struct DigestAuthorization: Sendable, Equatable {
    public var fields: [String: String]

    public init?(_ header: some StringProtocol) {
        let header = String(header).trimmingSIPWhitespace()
        guard header.count > 7, header.prefix(7).lowercased() == "digest " else { return nil }
        var fields: [String: String] = [:]
        for part in SIPHeaders.splitOutsideQuotes(String(header.dropFirst(7)), separator: ",") {
            let trimmed = part.trimmingSIPWhitespace()
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            let name = trimmed[..<equals].trimmingSIPWhitespace().lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingSIPWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = Self.unescape(value.dropFirst().dropLast())
            }
            fields[name] = value
        }
        guard fields["username"] != nil, fields["nonce"] != nil, fields["response"] != nil else { return nil }
        self.fields = fields
    }

    public subscript(_ name: String) -> String? { fields[name] }

    private static func unescape(_ text: Substring) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
