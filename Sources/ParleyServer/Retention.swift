import Foundation
import ServiceLifecycle
import Store
import Voice

/// The scheduled job that keeps storage bounded: recordings past their year (FlexIO keeps them
/// one year), call records past `--retain-calls-days` and Notifications past
/// `--retain-notifications-days`, and console sessions past their end. It sweeps every `interval`; ages are judged by the server's
/// clock, so a test that moves the clock sees the sweep at its next turn.
struct Retention: Service {
    let library: RecordingLibrary
    let calls: any CallRepository
    let notifications: any NotificationRepository
    let consoleSessions: any ConsoleSessionRepository
    let callDays: Int
    let notificationDays: Int
    let clock: any WallClock
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await library.purgeExpired()
                let now = clock.now()
                _ = try? await calls.purge(createdBefore: now.addingTimeInterval(-Double(callDays) * 86_400))
                _ = try? await notifications.purge(createdBefore: now.addingTimeInterval(-Double(notificationDays) * 86_400))
                _ = try? await consoleSessions.purge(expiredBefore: now)
                try await Task.sleep(for: interval)
            }
        }
    }
}
