import Store

extension RCMLLeg {
    /// `<Sms>`: sends a text from the account's party of the call to the other party (or
    /// `from`/`to`). With an `action`, the application hears `SmsSid` and `SmsStatus` (`sending`
    /// once queued, `failed` when refused) and its document takes over; without one the
    /// document goes on. A refusal is also a Notification (14101 to, 14102 from, 14103 body).
    func sms(_ sms: RCMLVerb.Sms, documentURL: String) async -> DialOutcome {
        let ours = record.direction == .inbound ? record.to : record.from
        let theirs = record.direction == .inbound ? record.from : record.to
        var parameters: [(String, String)]
        do {
            guard let sender = runtime.textMessages else { throw SmsUnavailable() }
            let sid = try await sender.sendText(
                account: record.accountSid, from: sms.from ?? ours, to: sms.to ?? theirs, body: sms.body,
                statusCallback: sms.statusCallback.map { resolve($0, against: documentURL) }, call: record.sid)
            parameters = [("SmsSid", sid.rawValue), ("SmsStatus", "sending")]
        } catch {
            let code = (error as? TextMessageRefusal)?.code ?? 14107
            await runtime.fetcher.notify(code: code, message: "<Sms> refused: \(error)", url: documentURL, account: record.accountSid, call: record.sid)
            parameters = [("SmsStatus", "failed")]
        }
        guard let action = sms.action else { return .proceed }
        guard let next = await request(resolve(action, against: documentURL), method: sms.method, extra: parameters) else { return .over }
        return .document(next)
    }
}

/// `<Sms>` or `<Email>` on a Parley that has no messaging wired in (Twilio's 14107: the message could not be sent).
private struct SmsUnavailable: Error, CustomStringConvertible {
    var description: String { "messages cannot be sent from this Parley" }
}

extension RCMLLeg {
    /// `<Email>`: queues the e-mail and goes on with the document; a refusal is a Notification
    /// (14103 with the reason) and the document goes on too.
    func email(_ email: RCMLVerb.Email, documentURL: String) async {
        do {
            guard let sender = runtime.emails else { throw SmsUnavailable() }
            try await sender.sendEmail(
                account: record.accountSid, from: email.from, to: email.to, cc: email.cc, bcc: email.bcc, subject: email.subject,
                body: email.body, call: record.sid)
        } catch {
            await runtime.fetcher.notify(code: 14103, message: "<Email> refused: \(error)", url: documentURL, account: record.accountSid, call: record.sid)
        }
    }
}
