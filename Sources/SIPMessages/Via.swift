/// One `Via` value (RFC 3261 §20.42): transport, sent-by, and parameters (`branch`,
/// `received`, `rport`).
public struct Via: Sendable, Equatable {
    public var transport: String
    public var host: String
    public var port: Int?
    public var parameters: [String: String]

    public init?(_ text: some StringProtocol) {
        let text = String(text).trimmingSIPWhitespace()
        let protocolEnd = text.firstIndex { $0 == " " || $0 == "\t" } ?? text.endIndex
        let sentProtocol = text[..<protocolEnd].split(separator: "/")
        guard sentProtocol.count == 3, sentProtocol[0].uppercased() == "SIP", sentProtocol[1] == "2.0" else { return nil }
        transport = sentProtocol[2].uppercased()
        let rest = text[protocolEnd...].trimmingSIPWhitespace()
        let sentBy: Substring
        if let semicolon = rest.firstIndex(of: ";") {
            sentBy = rest[..<semicolon]
            parameters = SIPParameters.parse(rest[semicolon...])
        } else {
            sentBy = Substring(rest)
            parameters = [:]
        }
        guard let (host, port) = SIPParameters.hostPort(sentBy) else { return nil }
        self.host = host
        self.port = port
    }

    public var branch: String? { parameters["branch"] }
}
