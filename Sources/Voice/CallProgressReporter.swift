import Foundation
import Store

/// Sends one call's status callbacks, in the order the events happened and one at a time
/// (a slow web server delays the next event, never reorders it), each with Twilio's
/// `CallbackSource`, `SequenceNumber` and `Timestamp`, and `CallDuration` on completion.
/// Owned by the leg's actor; the requests go out on a task of their own.
struct CallProgressReporter {
    private let callback: StatusCallback?
    private let continuation: AsyncStream<[(String, String)]>.Continuation
    private var sequenceNumber = 0

    init(_ callback: StatusCallback?, fetcher: RCMLFetcher, account: AccountSid, call: CallSid) {
        self.callback = callback
        let (requests, continuation) = AsyncStream<[(String, String)]>.makeStream()
        self.continuation = continuation
        guard let callback else {
            continuation.finish()
            return
        }
        // Counted until the last one is sent, so that a draining server waits for it.
        fetcher.callbacksInFlight.begin()
        Task {
            for await parameters in requests {
                await fetcher.callback(callback.url, method: callback.method, parameters: parameters, account: account, call: call)
            }
            fetcher.callbacksInFlight.end()
        }
    }

    /// Queues the callback for `event` if the application asked for it; `completed` is the
    /// last one.
    mutating func report(_ event: StatusCallback.Event, record: CallRecord, at now: Date) {
        defer { if event == .completed { continuation.finish() } }
        guard let callback, callback.events.contains(event) else { return }
        var parameters: [(String, String)] = [
            ("CallSid", record.sid.rawValue), ("AccountSid", record.accountSid.rawValue), ("From", record.from),
            ("To", record.to), ("CallStatus", event == .initiated ? "initiated" : record.status.rawValue),
            ("ApiVersion", "2010-04-01"), ("Direction", record.direction.rawValue),
            ("CallbackSource", "call-progress-events"), ("SequenceNumber", String(sequenceNumber)),
            ("Timestamp", RFC2822Date.format(now)),
        ]
        if event == .completed, let duration = record.duration {
            parameters += [("CallDuration", String(duration)), ("Duration", String((duration + 59) / 60))]
        }
        sequenceNumber += 1
        continuation.yield(parameters)
    }
}
