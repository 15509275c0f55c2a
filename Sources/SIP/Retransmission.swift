/// RFC 3261's retransmission timers over UDP: a message resent at T1 (500 ms), then doubling,
/// capped at `cap` (T2 = 4 s for final responses and non-INVITE requests, none for Timer A),
/// until `done` holds or 64·T1 (32 s) have passed; then `timedOut` runs once.
enum Retransmission {
    static let t1: Duration = .milliseconds(500)
    static let t2: Duration = .seconds(4)
    static let timeout: Duration = .seconds(32)

    static func start(
        cap: Duration? = t2, send: @escaping @Sendable () -> Void, until done: @escaping @Sendable () -> Bool,
        timedOut: @escaping @Sendable () -> Void = {}
    ) {
        Task {
            var interval = t1
            var waited: Duration = .zero
            while waited < timeout {
                try? await Task.sleep(for: interval)
                waited += interval
                if done() { return }
                send()
                interval = interval * 2
                if let cap { interval = min(interval, cap) }
            }
            if !done() { timedOut() }
        }
    }
}
