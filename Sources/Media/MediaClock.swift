import NIOCore

/// A 20 ms clock on one event loop that keeps real time: each tick is scheduled for its own
/// slot (start + n × 20 ms), not 20 ms after the previous tick ran, so the time the ticks
/// take never slows the RTP streams down (a fixed-delay timer ran about 5% slow under load).
/// After a stall longer than five periods it starts again from now instead of bursting.
/// Confined to its loop.
final class MediaClock {
    private let loop: any EventLoop
    private let period: TimeAmount
    private let action: (NIODeadline) -> Void
    private var next: NIODeadline
    private var scheduled: Scheduled<Void>?
    private var stopped = false

    init(loop: any EventLoop, period: TimeAmount = .milliseconds(20), action: @escaping (NIODeadline) -> Void) {
        self.loop = loop
        self.period = period
        self.action = action
        self.next = .now() + period
        arm()
    }

    func stop() {
        stopped = true
        scheduled?.cancel()
    }

    private func arm() {
        scheduled = loop.assumeIsolated().scheduleTask(deadline: next) { [self] in
            guard !stopped else { return }
            let now = NIODeadline.now()
            action(now)
            next = next + period
            if now - next > period * 5 { next = now + period }
            arm()
        }
    }
}
