import Foundation
import Logging
import SMTP
import Store

/// Hands due e-mail to the relay, a few at a time. An attempt is counted (`sending`) before the
/// relay is called; a refusal "for now" (4yz) or a connection failure puts the message back
/// with twice the previous delay, up to `maximumAttempts`; a refusal for good (5yz) fails it
/// with the relay's answer.
actor EmailOutbox {
    private let configuration: EmailService.Configuration
    private let emails: any EmailRepository
    private let relay: SMTPClient
    private let finals: StatusWatchers<EmailSid, EmailRecord>
    private let clock: any WallClock
    private let logger: Logger
    private var wakeUp: CheckedContinuation<Void, Never>?
    private static let batch = 4

    init(
        configuration: EmailService.Configuration, emails: any EmailRepository, relay: SMTPClient, finals: StatusWatchers<EmailSid, EmailRecord>,
        clock: any WallClock, logger: Logger
    ) {
        self.finals = finals
        self.configuration = configuration
        self.emails = emails
        self.relay = relay
        self.clock = clock
        self.logger = logger
    }

    func wake() {
        wakeUp?.resume()
        wakeUp = nil
    }

    func run() async throws {
        let requeued = try await emails.requeueInFlight(at: clock.now())
        if requeued > 0 { logger.warning("\(requeued) e-mail(s) were being sent at the last stop: they go again") }
        while !Task.isCancelled {
            let due = (try? await emails.due(at: clock.now(), limit: Self.batch)) ?? []
            guard !due.isEmpty else {
                await sleep()
                continue
            }
            await withDiscardingTaskGroup { group in
                for email in due { group.addTask { await self.attempt(email) } }
            }
        }
    }

    /// Until an e-mail is queued or the earliest retry is due.
    private func sleep() async {
        let next = try? await emails.nextDue()
        let timer = next.map { due in
            Task { [weak self, clock] in
                let seconds = max(0, due.timeIntervalSince(clock.now()))
                try? await Task.sleep(for: .seconds(min(seconds, 60)))
                await self?.wake()
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { wakeUp = $0 }
        } onCancel: {
            Task { await self.wake() }
        }
        timer?.cancel()
    }

    private func attempt(_ queued: EmailRecord) async {
        var email = queued
        email.status = .sending
        email.attempts += 1
        email.dateUpdated = clock.now()
        guard await save(email) else { return }
        let message = MailMessage(
            from: configuration.sender, to: email.to, cc: email.cc, bcc: email.bcc, subject: email.subject, body: email.body,
            isHTML: email.isHTML, replyTo: email.from == configuration.sender ? nil : email.from)
        do {
            let reply = try await relay.send(message, messageID: "\(email.sid.rawValue)@parley", date: email.dateCreated)
            email.status = .sent
            email.serverReply = reply.description
            email.dateSent = clock.now()
            email.nextAttempt = nil
        } catch {
            email.serverReply = error.description
            if error.isTransient, email.attempts < configuration.maximumAttempts {
                email.status = .queued
                email.nextAttempt = clock.now().addingTimeInterval(retryDelay(after: email.attempts))
                logger.notice("e-mail \(email.sid) not sent yet: \(error); attempt \(email.attempts + 1) later")
            } else {
                email.status = .failed
                email.nextAttempt = nil
                logger.warning("e-mail \(email.sid) failed: \(error)")
            }
        }
        email.dateUpdated = clock.now()
        if await save(email), email.status == .sent || email.status == .failed { await finals.settle(email.sid, email) }
    }

    /// `firstRetry` doubled at each attempt, at most `longestRetry`, in seconds.
    private func retryDelay(after attempts: Int) -> TimeInterval {
        let first = Double(configuration.firstRetry.components.seconds)
        let longest = Double(configuration.longestRetry.components.seconds)
        return min(longest, first * pow(2, Double(max(0, attempts - 1))))
    }

    private func save(_ email: EmailRecord) async -> Bool {
        do {
            try await emails.update(email)
            return true
        } catch {
            logger.error("could not write \(email.sid): \(error)")
            return false
        }
    }
}
