/// The header fields of a SIP message in wire order, looked up case-insensitively and by
/// compact form (RFC 3261 §7.3.3: `v` Via, `f` From, …). Values are kept as received;
/// `values(_:)` splits comma-separated lists for the headers whose grammar allows it.
public struct SIPHeaders: Sendable, Equatable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        for (name, value) in fields { add(name, value) }
    }

    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Appends a field; a compact name is stored in its long form.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((Self.canonical(name), value))
    }

    /// Replaces every field of that name by one field, where the first one stood.
    public mutating func set(_ name: String, _ value: String) {
        let canonical = Self.canonical(name)
        let position = fields.firstIndex { Self.same($0.name, canonical) } ?? fields.endIndex
        fields.removeAll { Self.same($0.name, canonical) }
        fields.insert((canonical, value), at: Swift.min(position, fields.endIndex))
    }

    /// The first field's value.
    public subscript(_ name: String) -> String? {
        let canonical = Self.canonical(name)
        return fields.first { Self.same($0.name, canonical) }?.value
    }

    /// Every value of that header, in order, comma-separated lists split (outside quotes and
    /// angle brackets) for the headers that may be written that way.
    public func values(_ name: String) -> [String] {
        let canonical = Self.canonical(name)
        let raw = fields.filter { Self.same($0.name, canonical) }.map(\.value)
        guard Self.listHeaders.contains(canonical.lowercased()) else { return raw }
        return raw.flatMap(Self.splitList)
    }

    /// The long form of a compact header name, otherwise the name unchanged.
    public static func canonical(_ name: String) -> String {
        guard name.utf8.count == 1 else { return name }
        return compactForms[name.lowercased()] ?? name
    }

    /// ASCII case-insensitive equality, byte by byte: header names are tokens (RFC 3261 §25.1),
    /// and this runs for every header lookup.
    static func same(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where a != b {
            guard a | 0x20 == b | 0x20, (a | 0x20) >= UInt8(ascii: "a"), (a | 0x20) <= UInt8(ascii: "z") else { return false }
        }
        return true
    }

    static let compactForms: [String: String] = [
        "i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length",
        "c": "Content-Type", "f": "From", "s": "Subject", "k": "Supported", "t": "To", "v": "Via",
        "o": "Event", "r": "Refer-To", "b": "Referred-By", "u": "Allow-Events", "x": "Session-Expires",
    ]

    static let listHeaders: Set<String> = [
        "via", "contact", "route", "record-route", "allow", "supported", "require",
        "proxy-require", "unsupported", "accept", "accept-encoding", "accept-language",
        "content-encoding", "allow-events", "in-reply-to",
    ]

    /// Splits at commas that are outside quoted strings and angle brackets.
    static func splitList(_ value: String) -> [String] {
        splitOutsideQuotes(value, separator: ",", keepingAngleBracketsWhole: true)
            .map { $0.trimmingSIPWhitespace() }
            .filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (scanned as bytes).
    public func trimmingSIPWhitespace() -> String {
        let utf8 = self.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex, utf8[start] == 32 || utf8[start] == 9 { start = utf8.index(after: start) }
        var end = start
        var index = start
        while index < utf8.endIndex {
            let byte = utf8[index]
            index = utf8.index(after: index)
            if byte != 32 && byte != 9 { end = index }
        }
        return String(self[start..<end])
    }
}
