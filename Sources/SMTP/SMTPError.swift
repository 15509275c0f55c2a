/// Why an e-mail was not handed over.
public enum SMTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line that is not a reply (RFC 5321 §4.2).
    case malformedReply(String)
    /// The server refused a step; `transient` (4yz) means try again later.
    case refused(step: String, reply: SMTPReply)
    /// The connection failed, closed early or timed out.
    case connection(String)
    /// Credentials are configured but the server offers no mechanism Parley speaks, or
    /// STARTTLS was required and not offered.
    case unsupported(String)

    /// Whether trying again later may succeed.
    public var isTransient: Bool {
        switch self {
        case .refused(_, let reply): reply.isTransient
        case .connection: true
        case .malformedReply, .unsupported: false
        }
    }

    public var description: String {
        switch self {
        case .malformedReply(let line): "the server's reply '\(line.prefix(80))' is not SMTP"
        case .refused(let step, let reply): "\(step) refused: \(reply)"
        case .connection(let reason): "connection failure: \(reason)"
        case .unsupported(let reason): reason
        }
    }
}
