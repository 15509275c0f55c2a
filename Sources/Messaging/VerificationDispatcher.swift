import Foundation
import Logging
import Store
import Voice

/// Sends one verification's code by its channels in turn: each attempt is recorded, and when a
/// channel fails (SMS undelivered or failed, a call busy, unanswered, failed or hung up before
/// the code was spoken, e-mail refused) the next is tried at once with the same code. A
/// channel that does not fail ends the chain. The code lives only in this task's memory.
struct VerificationDispatcher: Sendable {
    let verifications: any VerificationRepository
    let sms: SMSService
    let email: EmailService
    let calls: OutboundCalls?
    let documents: InternalDocuments
    /// The operator's number verification calls come from; nil: no call channel.
    let callerID: String?
    /// How long a code is valid, which the e-mail says.
    let codeLifetime: TimeInterval
    let clock: any WallClock
    let logger: Logger

    /// What one channel's attempt came to.
    enum Outcome: Sendable {
        case delivered(String)
        case failed(String)
    }

    /// Runs the chain from `first` (already written as `sending`) through `channels`.
    func run(_ verification: VerificationRecord, code: String, name: String, first: VerificationAttempt, channels: [VerificationChannel]) async {
        var attempt = first
        var remaining = channels.dropFirst()
        while true {
            let outcome = await send(attempt, of: verification, code: code, name: name)
            let now = clock.now()
            switch outcome {
            case .delivered(let detail):
                attempt.outcome = .delivered
                attempt.detail = detail
            case .failed(let detail):
                attempt.outcome = .failed
                attempt.detail = detail
            }
            attempt.dateUpdated = now
            try? await verifications.updateAttempt(attempt)
            guard case .failed = outcome, let next = remaining.popFirst() else { return }
            guard let current = try? await verifications.find(verification.sid, service: verification.serviceSid), current.status == .pending,
                current.expiresAt > now
            else { return }
            attempt = VerificationAttempt(
                sid: .generate(), verificationSid: verification.sid, channel: next, outcome: .sending, detail: nil, dateCreated: now, dateUpdated: now)
            try? await verifications.insertAttempt(attempt)
            logger.info("verification \(verification.sid): falling back to \(next.rawValue)")
        }
    }

    private func send(_ attempt: VerificationAttempt, of verification: VerificationRecord, code: String, name: String) async -> Outcome {
        let minutes = Int((codeLifetime / 60).rounded(.up))
        let texts = VerificationTexts.texts(locale: verification.locale, code: code, name: name, minutes: minutes)
        let (outcomes, report) = AsyncStream<Outcome>.makeStream()
        // Whatever has not failed by the code's expiry has done its job.
        let expiry = Task { [clock] in
            try? await Task.sleep(for: .seconds(max(0, verification.expiresAt.timeIntervalSince(clock.now()))))
            report.yield(.delivered("no failure reported before the code expired"))
        }
        defer { expiry.cancel() }
        do {
            switch attempt.channel {
            case .sms:
                let message = try await sms.sendForAccount(account: verification.accountSid, to: verification.to, body: texts.sms) { message in
                    switch message.status {
                    case .delivered: report.yield(.delivered("\(message.sid) delivered"))
                    default: report.yield(.failed("\(message.sid) \(message.status.rawValue) \(message.errorCode.map(String.init) ?? "")"))
                    }
                }
                try? await verifications.updateAttempt(with(attempt, detail: message.sid.rawValue))
            case .email:
                guard let address = verification.email ?? (verification.to.contains("@") ? verification.to : nil) else {
                    return .failed("no e-mail address for this verification")
                }
                let sent = try await email.send(
                    account: verification.accountSid, from: nil, to: [address], cc: [], bcc: [], subject: texts.emailSubject, body: texts.emailBody,
                    isHTML: false
                ) { email in
                    report.yield(email.status == .sent ? .delivered("\(email.sid) sent") : .failed("\(email.sid) failed: \(email.serverReply ?? "")"))
                }
                try? await verifications.updateAttempt(with(attempt, detail: sent.sid.rawValue))
            case .call:
                guard let calls, let callerID else { return .failed("this Parley has no caller ID for verification calls (--verify-caller-id)") }
                let prefix = InternalDocuments.scheme + "verify/\(verification.sid.rawValue)/"
                documents.serve(prefix, for: verification.accountSid) { url, parameters in
                    if url.hasSuffix("/start") { return Self.voiceDocument(texts, code: code, prefix: prefix) }
                    // The prompts played to the end: the code was spoken twice.
                    report.yield(.delivered("code spoken"))
                    let digits = parameters.first { $0.0 == "Digits" }?.1
                    return digits == "1" ? Self.voiceDocument(texts, code: code, prefix: prefix) : try? RCMLDocument(parsing: "<Response><Hangup/></Response>")
                }
                defer { documents.remove(prefix) }
                let call = try await calls.start(
                    OutboundCallRequest(
                        account: verification.accountSid, from: callerID, to: verification.to, application: WebhookTarget(url: prefix + "start"),
                        timeout: 30, fromOperator: true,
                        onEnd: { record in report.yield(.failed("\(record.sid) \(record.status.rawValue) before the code was spoken")) }))
                try? await verifications.updateAttempt(with(attempt, detail: call.sid.rawValue))
                for await outcome in outcomes { return outcome }
                return .failed("stopped")
            }
        } catch {
            return .failed("refused: \(error)")
        }
        for await outcome in outcomes { return outcome }
        return .failed("stopped")
    }

    private func with(_ attempt: VerificationAttempt, detail: String) -> VerificationAttempt {
        var copy = attempt
        copy.detail = detail
        return copy
    }

    /// The code digit by digit, twice, then the offer to hear it again.
    static func voiceDocument(_ texts: VerificationTexts, code: String, prefix: String) -> RCMLDocument? {
        func escaped(_ text: String) -> String {
            text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
        }
        let digits = code.map(String.init).joined(separator: ", ")
        let language = texts.voiceLanguage
        let (intro, again, pressOne) = (escaped(texts.voiceIntro), escaped(texts.voiceAgain), escaped(texts.voicePressOne))
        let xml = """
            <Response><Say language="\(language)">\(intro): \(digits).</Say><Pause length="1"/>\
            <Say language="\(language)">\(again): \(digits).</Say>\
            <Gather numDigits="1" timeout="5" action="\(prefix)after"><Say language="\(language)">\(pressOne)</Say></Gather>\
            <Redirect>\(prefix)after</Redirect></Response>
            """
        return try? RCMLDocument(parsing: xml)
    }
}
