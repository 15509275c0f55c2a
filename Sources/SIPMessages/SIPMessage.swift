/// A SIP request (RFC 3261 §7.1). The request-URI is kept as text; `SIPURI` parses it.
public struct SIPRequest: Sendable, Equatable {
    public var method: String
    public var uri: String
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(method: String, uri: String, headers: SIPHeaders, body: [UInt8] = []) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }
}

/// A SIP response (RFC 3261 §7.2).
public struct SIPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(status: Int, reason: String, headers: SIPHeaders, body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// A response to `request` copying the headers RFC 3261 §8.2.6.2 requires (Via, From, To,
    /// Call-ID, CSeq), adding `toTag` to To when given and To has none.
    public init(to request: SIPRequest, status: Int, reason: String, toTag: String? = nil) {
        var headers = SIPHeaders()
        for via in request.headers.values("Via") { headers.add("Via", via) }
        if let from = request.headers["From"] { headers.add("From", from) }
        if var to = request.headers["To"] {
            if let toTag, !(NameAddress(to)?.parameters.keys.contains("tag") ?? false) {
                to += ";tag=\(toTag)"
            }
            headers.add("To", to)
        }
        if let callID = request.headers["Call-ID"] { headers.add("Call-ID", callID) }
        if let cseq = request.headers["CSeq"] { headers.add("CSeq", cseq) }
        self.init(status: status, reason: reason, headers: headers)
    }
}

/// Either kind of SIP message, as read from a transport.
public enum SIPMessage: Sendable, Equatable {
    case request(SIPRequest)
    case response(SIPResponse)

    public var headers: SIPHeaders {
        switch self {
        case .request(let request): request.headers
        case .response(let response): response.headers
        }
    }
}

extension SIPRequest {
    /// The wire form; Content-Length is always written from the body.
    public func serialized() -> [UInt8] {
        SIPSerializer.serialize(startLine: "\(method) \(uri) SIP/2.0", headers: headers, body: body)
    }
}

extension SIPResponse {
    public func serialized() -> [UInt8] {
        SIPSerializer.serialize(startLine: "SIP/2.0 \(status) \(reason)", headers: headers, body: body)
    }
}

enum SIPSerializer {
    static func serialize(startLine: String, headers: SIPHeaders, body: [UInt8]) -> [UInt8] {
        var text = lineSafe(startLine) + "\r\n"
        for field in headers where !SIPHeaders.same(field.name, "Content-Length") {
            text += lineSafe(field.name) + ": " + lineSafe(field.value) + "\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        var bytes = Array(text.utf8)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// The last guard against header injection: a CR, LF or NUL that got past the checks at
    /// the edges becomes a space, so no value can start a header of its own.
    private static func lineSafe(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else { return text }
        return String(decoding: text.utf8.map { $0 == 0x0D || $0 == 0x0A || $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}
