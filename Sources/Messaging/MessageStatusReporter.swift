import Store
import Voice

/// Tells a message's `StatusCallback` about each change of its status, in order and one at a
/// time per message (Twilio's parameters: `MessageSid`, `MessageStatus`, `SmsStatus`,
/// `ErrorCode`…), signed like every webhook; a failing callback is a warning Notification.
actor MessageStatusReporter {
    private let fetcher: RCMLFetcher
    /// Told each message's final status (for a verification's fallback).
    let finals = StatusWatchers<MessageSid, MessageRecord>()
    /// The last callback queued for each message still changing: the next waits for it.
    private var tails: [MessageSid: Task<Void, Never>] = [:]

    init(fetcher: RCMLFetcher) {
        self.fetcher = fetcher
    }

    func report(_ message: MessageRecord) async {
        if message.status.isFinal { await finals.settle(message.sid, message) }
        guard let url = message.statusCallback else { return }
        var parameters: [(String, String)] = [
            ("MessageSid", message.sid.rawValue), ("SmsSid", message.sid.rawValue), ("AccountSid", message.accountSid.rawValue),
            ("From", message.from), ("To", message.to), ("MessageStatus", message.status.rawValue),
            ("SmsStatus", message.status.rawValue), ("ApiVersion", "2010-04-01"), ("NumSegments", String(message.segmentCount)),
        ]
        if let code = message.errorCode { parameters.append(("ErrorCode", String(code))) }
        let previous = tails[message.sid]
        let fetcher = fetcher
        fetcher.callbacksInFlight.begin()
        let task = Task {
            await previous?.value
            await fetcher.callback(url, method: message.statusCallbackMethod, parameters: parameters, account: message.accountSid, call: message.callSid)
            fetcher.callbacksInFlight.end()
        }
        if message.status.isFinal {
            tails[message.sid] = nil
        } else {
            tails[message.sid] = task
        }
    }
}
