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
        var rest = Substring(text)
        if rest.hasPrefix("\"") {
            var name = ""
            var index = rest.index(after: rest.startIndex)
            var closed = false
            while index < rest.endIndex {
                let character = rest[index]
                if character == "\\" {
                    index = rest.index(after: index)
                    guard index < rest.endIndex else { return nil }
                    name.append(rest[index])
                } else if character == "\"" {
                    closed = true
                    break
                } else {
                    name.append(character)
                }
                index = rest.index(after: index)
            }
            guard closed else { return nil }
            displayName = name
            rest = rest[rest.index(after: index)...]
        } else {
            displayName = nil
        }
        if let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return nil }
            let name = rest[..<open].trimmingSIPWhitespace()
            if displayName == nil, !name.isEmpty { displayName = name }
            uriText = String(rest[rest.index(after: open)..<close])
            parameters = SIPParameters.parse(rest[rest.index(after: close)...])
        } else {
            // addr-spec: parameters after the URI belong to the header, not the URI.
            let parts = rest.split(separator: ";", maxSplits: 1)
            guard let first = parts.first else { return nil }
            uriText = first.trimmingSIPWhitespace()
            parameters = parts.count > 1 ? SIPParameters.parse(parts[1]) : [:]
        }
        guard let uri = SIPURI(uriText) else { return nil }
        self.uri = uri
    }

    public var tag: String? { parameters["tag"] }
}
