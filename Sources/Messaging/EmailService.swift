import Foundation
import Logging
import SMTP
import Store
import Voice

/// E-mail for the REST API and RCML: checks and writes a message before it is accepted, then
/// `EmailOutbox` hands it to the relay, again and again while the relay answers "later".
/// Every message leaves from the operator's address (`--email-from`); the sender an account
/// names becomes its Reply-To, so no tenant can write mail in someone else's name.
public final class EmailService: Sendable {
    public struct Configuration: Sendable {
        public var sender: String
        public var subject: String
        public var firstRetry: Duration
        public var longestRetry: Duration
        public var maximumAttempts: Int

        public init(
            sender: String, subject: String = "Parley Email Service", firstRetry: Duration = .seconds(2),
            longestRetry: Duration = .seconds(600), maximumAttempts: Int = 10
        ) {
            self.sender = sender
            self.subject = subject
            self.firstRetry = firstRetry
            self.longestRetry = longestRetry
            self.maximumAttempts = maximumAttempts
        }
    }

    public static let maximumRecipients = 50
    public static let maximumBodyLength = 100_000

    private let configuration: Configuration
    private let emails: any EmailRepository
    private let outbox: EmailOutbox?

    /// Whether a mail relay is configured: without one, e-mail waits in its queue.
    public var relays: Bool { outbox != nil }
    private let clock: any WallClock
    /// Told each e-mail's final status (for a verification's fallback).
    let finals: StatusWatchers<EmailSid, EmailRecord>

    /// - Parameter relay: nil when no relay is configured: e-mail waits in its queue.
    public init(configuration: Configuration, emails: any EmailRepository, relay: SMTPClient?, clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.emails = emails
        self.clock = clock
        let finals = StatusWatchers<EmailSid, EmailRecord>()
        self.finals = finals
        outbox = relay.map { EmailOutbox(configuration: configuration, emails: emails, relay: $0, finals: finals, clock: clock, logger: logger) }
    }

    /// Sends until cancelled, starting with what a crash caught in flight.
    public func run() async throws {
        guard let outbox else { return }
        try await outbox.run()
    }

    /// An e-mail checked, written `queued` and due at once.
    public func send(
        account: AccountSid, from: String?, to: [String], cc: [String], bcc: [String], subject: String?, body: String, isHTML: Bool,
        call: CallSid? = nil, onFinal: (@Sendable (EmailRecord) async -> Void)? = nil
    ) async throws -> EmailRecord {
        let sender = from ?? configuration.sender
        guard MailMessage.isValidAddress(sender) else { throw EmailRefusal(parameter: "From", message: "'\(sender)' is not an e-mail address") }
        for (parameter, addresses) in [("To", to), ("Cc", cc), ("Bcc", bcc)] {
            if let bad = addresses.first(where: { !MailMessage.isValidAddress($0) }) {
                throw EmailRefusal(parameter: parameter, message: "'\(bad)' is not an e-mail address")
            }
        }
        guard !to.isEmpty else { throw EmailRefusal(parameter: "To", message: "at least one recipient is required") }
        guard to.count + cc.count + bcc.count <= Self.maximumRecipients else {
            throw EmailRefusal(parameter: "To", message: "at most \(Self.maximumRecipients) recipients in all")
        }
        guard body.count <= Self.maximumBodyLength else {
            throw EmailRefusal(parameter: "Body", message: "longer than \(Self.maximumBodyLength) characters")
        }
        let now = clock.now()
        let email = EmailRecord(
            sid: .generate(), accountSid: account, from: sender, to: to, cc: cc, bcc: bcc, subject: subject ?? configuration.subject,
            body: body, isHTML: isHTML, nextAttempt: now, callSid: call, dateCreated: now, dateUpdated: now)
        try await emails.insert(email)
        if let onFinal { finals.watch(email.sid, onFinal) }
        await outbox?.wake()
        return email
    }
}

extension EmailService: EmailSending {
    public func sendEmail(
        account: AccountSid, from: String?, to: [String], cc: [String], bcc: [String], subject: String?, body: String, call: CallSid
    ) async throws {
        _ = try await send(account: account, from: from, to: to, cc: cc, bcc: bcc, subject: subject, body: body, isHTML: false, call: call)
    }
}
