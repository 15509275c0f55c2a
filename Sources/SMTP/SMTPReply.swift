/// A server's reply (RFC 5321 §4.2): a three-digit code and its text lines, read from the lines
/// `250-first`, `250-second`, `250 last`.
public struct SMTPReply: Equatable, Sendable, CustomStringConvertible {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4yz: try again later.
    public var isTransient: Bool { (400..<500).contains(code) }

    public var description: String { "\(code) " + lines.joined(separator: " / ") }

    /// Gathers reply lines one at a time; `add` returns the reply once its last line came.
    public struct Reader: Sendable {
        private var code: Int?
        private var lines: [String] = []

        public init() {}

        public mutating func add(_ line: String) throws(SMTPError) -> SMTPReply? {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes[0...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let value = Int(String(decoding: bytes[0...2], as: UTF8.self)), (200...599).contains(value)
            else { throw .malformedReply(line) }
            if let code, code != value { throw .malformedReply(line) }
            code = value
            let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
            guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw .malformedReply(line) }
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            guard separator == UInt8(ascii: " ") else { return nil }
            defer { self = Reader() }
            return SMTPReply(code: value, lines: lines)
        }
    }
}
