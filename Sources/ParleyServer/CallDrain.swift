import API
import Logging
import ServiceLifecycle
import Synchronization
import Voice

/// The first service to stop on shutdown: it closes Parley to new calls (`/health` 503
/// `draining`, INVITE and `POST Calls` 503), lets the calls in progress go on for up to
/// `timeout` (or until `cutShort()`, a second signal), hangs up those left, and returns once
/// their records are written and their status callbacks sent. The listeners stop after it.
final class CallDrain: Service, Sendable {
    private let live: LiveCalls
    private let callbacks: PendingWork
    private let health: ListenerHealth
    private let timeout: Duration
    private let logger: Logger
    private let cut: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)

    /// Longest wait for the hung-up calls to close and for their callbacks (one webhook
    /// deadline, plus the time to write and queue them).
    private static let closingWait: Duration = RCMLFetcher.timeout + .seconds(5)

    init(live: LiveCalls, callbacks: PendingWork, health: ListenerHealth, timeout: Duration, logger: Logger) {
        self.live = live
        self.callbacks = callbacks
        self.health = health
        self.timeout = timeout
        self.logger = logger
        cut = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Ends the wait for calls to finish by themselves.
    func cutShort() {
        cut.continuation.yield()
    }

    func run() async throws {
        try? await gracefulShutdown()
        live.stopAcceptingCalls()
        await health.markDraining()
        let calls = live.inProgress.count
        logger.notice("draining: no new calls", metadata: ["calls": "\(calls)", "drain-timeout": "\(timeout)"])
        if calls > 0 {
            let cut = self.cut.stream
            let timeout = self.timeout
            await first(of: [
                { await self.live.inProgress.settled() },
                { try? await Task.sleep(for: timeout) },
                { for await _ in cut { return } },
            ])
        }
        let left = live.inProgress.count
        if left > 0 {
            logger.notice("hanging up the calls still in progress", metadata: ["calls": "\(left)"])
            await live.hangUpAll()
            await first(of: [{ await self.live.inProgress.settled() }, { try? await Task.sleep(for: Self.closingWait) }])
        }
        await first(of: [{ await self.callbacks.settled() }, { try? await Task.sleep(for: Self.closingWait) }])
        let unsent = callbacks.count
        let open = live.inProgress.count
        if unsent > 0 || open > 0 {
            logger.warning("stopping with work unfinished", metadata: ["calls": "\(open)", "callbacks": "\(unsent)"])
        } else {
            logger.notice("drained")
        }
    }

    /// Waits for whichever of the operations finishes first and cancels the others.
    private func first(of operations: [@Sendable () async -> Void]) async {
        await withTaskGroup(of: Void.self) { group in
            for operation in operations { group.addTask(operation: operation) }
            await group.next()
            group.cancelAll()
        }
    }
}
