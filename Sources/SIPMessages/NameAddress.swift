/// A `From`, `To` or `Contact` value (RFC 3261 §20.10): an optional display name (quoted, with
/// escapes), a URI in angle brackets or a bare addr-spec, and header parameters such as `tag`
/// or `expires`. `Contact: *` is `isWildcard`.
public struct NameAddress: Sendable, Equatable {
    public var displayName: String?
    public var uri: SIPURI
    /// The URI as written (kept for echoing Contact back).
    public var uriText: String
    public var parameters: [String: String]
    public var isWildcard: Bool

    public init?(_ text: some StringProtocol) {
        let text = String(text).trimmingSIPWhitespace()
        if text == "*" {
            displayName = nil
            uri = SIPURI(host: "*")
            uriText = "*"
            parameters = [:]
            isWildcard = true
            return
        }
        isWildcard = false
        // Scanned as bytes: every request carries at least two of these.
        var rest = Substring(text)
        if rest.utf8.first == UInt8(ascii: "\"") {
            var name: [UInt8] = []
            let utf8 = rest.utf8
            var index = utf8.index(after: utf8.startIndex)
            var closed = false
            while index < utf8.endIndex {
                let byte = utf8[index]
                if byte == UInt8(ascii: "\\") {
                    index = utf8.index(after: index)
                    guard index < utf8.endIndex else { return nil }
                    name.append(utf8[index])
                } else if byte == UInt8(ascii: "\"") {
                    closed = true
                    break
                } else {
                    name.append(byte)
                }
                index = utf8.index(after: index)
            }
            guard closed else { return nil }
            displayName = String(decoding: name, as: UTF8.self)
            rest = rest[utf8.index(after: index)...]
        } else {
            displayName = nil
        }
        if let open = rest.utf8.firstIndex(of: UInt8(ascii: "<")) {
            guard let close = rest.utf8[open...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
            let name = rest[..<open].trimmingSIPWhitespace()
            if displayName == nil, !name.isEmpty { displayName = name }
            uriText = String(rest[rest.utf8.index(after: open)..<close])
            parameters = SIPParameters.parse(rest[rest.utf8.index(after: close)...])
        } else {
            // addr-spec: parameters after the URI belong to the header, not the URI.
            if let semicolon = rest.utf8.firstIndex(of: UInt8(ascii: ";")) {
                uriText = rest[..<semicolon].trimmingSIPWhitespace()
                parameters = SIPParameters.parse(rest[rest.utf8.index(after: semicolon)...])
            } else {
                uriText = rest.trimmingSIPWhitespace()
                parameters = [:]
            }
            guard !uriText.isEmpty else { return nil }
        }
        guard let uri = SIPURI(uriText) else { return nil }
        self.uri = uri
    }

    public var tag: String? { parameters["tag"] }
}
