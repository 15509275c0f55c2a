import Logging
import Messaging
import SMPP
import ServiceLifecycle

/// Runs the SMSC bind, the SMS outbox and the e-mail outbox while Parley runs; on shutdown
/// they stop taking messages (what is in flight goes again at the next start) and the bind
/// closes. Without an SMSC or a relay, the queues only fill.
struct MessagingService: Service {
    let sms: SMSService
    let smpp: SMPPClient?
    let email: EmailService
    let emailRelayed: Bool
    let logger: Logger

    func run() async throws {
        guard smpp != nil || emailRelayed else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if let smpp {
                    group.addTask { await smpp.run() }
                    group.addTask { await report("the SMS outbox") { try await sms.run() } }
                }
                if emailRelayed { group.addTask { await report("the e-mail outbox") { try await email.run() } } }
            }
        }
    }

    private func report(_ name: String, _ work: () async throws -> Void) async {
        do {
            try await work()
        } catch {
            logger.error("\(name) could not start: \(error)")
        }
    }
}
