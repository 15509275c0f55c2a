/// Parses one SIP message from bytes (RFC 3261 §7): start line, header fields with folding
/// and compact names, and a body framed by Content-Length. It never traps on any input.
public enum SIPParser {
    /// The largest message Parley accepts (a UDP datagram cannot be larger).
    public static let maximumSize = 65_535

    /// Parses a complete message. A stream transport uses `messageLength(_:)` first to frame.
    public static func parse(_ bytes: some Collection<UInt8>) throws(SIPParseError) -> SIPMessage {
        let bytes = Array(bytes)
        guard bytes.count <= maximumSize else { throw .tooLarge }
        guard let headerEnd = headerEnd(bytes) else { throw .incomplete }
        guard String(validating: bytes[..<headerEnd.start], as: UTF8.self) != nil else {
            throw .malformed("message head is not UTF-8")
        }
        var lines = unfold(bytes[..<headerEnd.start])
        // RFC 3261 §7.5: CRLFs before the start line are ignored (keep-alives).
        while lines.first?.isEmpty == true { lines.removeFirst() }
        guard let startLine = lines.first.map({ String(decoding: $0, as: UTF8.self) }), !startLine.isEmpty else {
            throw .malformed("empty message")
        }
        // A broken header does not stop the parse: the rest is kept so that a request can
        // still be answered with 400 naming the problem.
        var problem: String?
        var headers = SIPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                problem = problem ?? "Header line without a colon"
                continue
            }
            let name = trimmed(line[..<colon])
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
                problem = problem ?? "Invalid header name"
                continue
            }
            headers.add(
                String(decoding: name, as: UTF8.self),
                String(decoding: trimmed(line[(colon + 1)...]), as: UTF8.self))
        }
        let available = bytes.count - headerEnd.end
        var length = available
        if let declared = headers["Content-Length"] {
            if let value = Int(declared), value >= 0 {
                guard value <= available else { throw .incomplete }
                length = value
            } else {
                problem = problem ?? "Invalid Content-Length"
            }
        }
        let body = Array(bytes[headerEnd.end..<(headerEnd.end + length)])
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        if startLine.hasPrefix("SIP/") {
            guard parts.count >= 2, parts[0] == "SIP/2.0" else { throw .malformed("unsupported SIP version") }
            guard let status = Int(parts[1]), (100...699).contains(status) else {
                throw .malformed("invalid status code '\(parts[1].prefix(10))'")
            }
            let reason = parts.count > 2 ? String(parts[2]) : ""
            if let problem { throw .malformed(problem) }
            return .response(SIPResponse(status: status, reason: reason, headers: headers, body: body))
        }
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenCharacter) else {
            throw .malformed("invalid request line")
        }
        guard parts[2] == "SIP/2.0" else { throw .malformed("unsupported SIP version '\(parts[2].prefix(12))'") }
        // No control character either (a CR inside the line, a NUL): nothing Parley would
        // write back, and nothing a Request-URI may hold (RFC 3261 §25.1).
        guard !parts[1].isEmpty, parts[1].contains(":"), parts[1].utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .malformed("invalid Request-URI")
        }
        let request = SIPRequest(method: String(parts[0]), uri: String(parts[1]), headers: headers, body: body)
        if let problem { throw .badRequest(problem, request) }
        return .request(request)
    }

    /// For stream transports: the byte length of the first complete message in `bytes`, nil
    /// when more bytes are needed. Throws when the head or declared body exceeds the limit.
    public static func messageLength(_ bytes: some Collection<UInt8>) throws(SIPParseError) -> Int? {
        let bytes = Array(bytes.prefix(maximumSize + 4))
        guard let headerEnd = headerEnd(bytes) else {
            if bytes.count > maximumSize { throw .tooLarge }
            return nil
        }
        var length = 0
        for line in unfold(bytes[..<headerEnd.start]) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = SIPHeaders.canonical(String(decoding: trimmed(line[..<colon]), as: UTF8.self))
            if SIPHeaders.same(name, "Content-Length") {
                // An invalid value frames as an empty body; `parse` then reports it.
                length = Int(String(decoding: trimmed(line[(colon + 1)...]), as: UTF8.self)).map { max(0, $0) } ?? 0
            }
        }
        // Compared without adding: a declared length near Int.max would overflow the sum.
        guard length <= maximumSize - headerEnd.end else { throw .tooLarge }
        return headerEnd.end + length
    }

    /// Where the head ends: the index of the blank line's CRLFCRLF (or bare LFLF).
    private static func headerEnd(_ bytes: [UInt8]) -> (start: Int, end: Int)? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 10 {
                if index + 1 < bytes.count, bytes[index + 1] == 10 { return (index, index + 2) }
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                    return (index > 0 && bytes[index - 1] == 13 ? index - 1 : index, index + 3)
                }
            }
            index += 1
        }
        return nil
    }

    /// Splits the head into lines at LF (dropping a CR before it), joining folded
    /// continuation lines (RFC 3261 §7.3.1) with one space. Works on bytes: it is the hot path.
    /// The head's lines with folded continuations joined to their header by one space. A
    /// header being folded is copied once and then extended in place, so many continuation
    /// lines cost linear time, not quadratic.
    private static func unfold(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        lines.reserveCapacity(16)
        // The last logical line while continuations are being added to it.
        var folding: [UInt8]?
        var start = head.startIndex
        var index = head.startIndex
        while index <= head.endIndex {
            if index == head.endIndex || head[index] == 10 {
                var line = head[start..<index]
                if line.last == 13 { line = line.dropLast() }
                if let first = line.first, first == 32 || first == 9, folding != nil || lines.last?.isEmpty == false {
                    if folding == nil { folding = Array(lines.removeLast()) }
                    folding?.append(32)
                    folding?.append(contentsOf: trimmed(line))
                } else {
                    if let done = folding {
                        lines.append(done[...])
                        folding = nil
                    }
                    lines.append(line)
                }
                start = index + 1
            }
            index += 1
        }
        if let done = folding { lines.append(done[...]) }
        return lines
    }

    /// Without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 32 || first == 9 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice = slice.dropLast() }
        return slice
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            "-.!%*_+`'~".utf8.contains(byte)
        }
    }

    static func isTokenCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let value = character.asciiValue else { return false }
        if (48...57).contains(value) || (65...90).contains(value) || (97...122).contains(value) { return true }
        return "-.!%*_+`'~".contains(character)
    }
}

/// Why bytes are not a SIP message. `reason` is fit for a 400 reason phrase.
public enum SIPParseError: Error, Equatable, Sendable {
    /// More bytes are needed (a stream transport waits; a datagram is dropped).
    case incomplete
    case tooLarge
    /// The start line is broken: not answerable, the datagram is dropped and counted.
    case malformed(String)
    /// The request line is fine but a header is not: answer the salvaged request with 400.
    case badRequest(String, SIPRequest)

    public var reason: String {
        switch self {
        case .incomplete: "Incomplete message"
        case .tooLarge: "Message Too Large"
        case .malformed(let reason), .badRequest(let reason, _): reason
        }
    }
}
