import Logging
import Messaging
import SMPP
import ServiceLifecycle

/// Runs the SMSC bind and the SMS outbox while Parley runs; on shutdown the outbox stops
/// taking messages (what is in flight is requeued at the next start) and the bind closes.
struct MessagingService: Service {
    let sms: SMSService
    let smpp: SMPPClient?
    let logger: Logger

    func run() async throws {
        guard let smpp else {
            // Without an SMSC the queue only fills; the service waits for the stop.
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await smpp.run() }
                group.addTask {
                    do {
                        try await sms.run()
                    } catch {
                        logger.error("the SMS outbox could not start: \(error)")
                    }
                }
            }
        }
    }
}
