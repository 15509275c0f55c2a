/// The fields of an `Authorization` or `Proxy-Authorization` header with the Digest scheme
/// (RFC 7616 §3.4): `username`, `realm`, `nonce`, `uri`, `response`, `algorithm`, `qop`, `nc`,
/// `cnonce`, `opaque`. Names are lowercased; quoted values unquoted and unescaped.
public struct DigestAuthorization: Sendable, Equatable {
    public var fields: [String: String]

    public init?(_ header: some StringProtocol) {
        let header = String(header).trimmingSIPWhitespace()
        let utf8 = header.utf8
        guard utf8.count > 7, String(header[..<utf8.index(utf8.startIndex, offsetBy: 7)]).asciiLowercased == "digest " else { return nil }
        var fields: [String: String] = [:]
        // Scanned as bytes: every authenticated REGISTER and INVITE carries one.
        for part in SIPHeaders.splitOutsideQuotes(String(header[utf8.index(utf8.startIndex, offsetBy: 7)...]), separator: ",") {
            guard let equals = part.utf8.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = part[..<equals].trimmingSIPWhitespace().asciiLowercased
            let value = part[part.utf8.index(after: equals)...].trimmingSIPWhitespace()
            let bytes = value.utf8
            if bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") {
                fields[name] = Self.unescape(bytes.dropFirst().dropLast())
            } else {
                fields[name] = value
            }
        }
        guard fields["username"] != nil, fields["nonce"] != nil, fields["response"] != nil else { return nil }
        self.fields = fields
    }

    public subscript(_ name: String) -> String? { fields[name] }

    private static func unescape(_ bytes: Substring.UTF8View) -> String {
        guard bytes.contains(UInt8(ascii: "\\")) else { return String(Substring(bytes)) }
        var result: [UInt8] = []
        var escaped = false
        for byte in bytes {
            if escaped {
                result.append(byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
