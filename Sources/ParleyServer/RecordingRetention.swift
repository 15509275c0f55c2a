import ServiceLifecycle
import Voice

/// The scheduled job that deletes recordings past their year (FlexIO keeps them one year).
/// It sweeps every `interval`; the age is judged by the server's clock, so a test that moves
/// the clock sees the sweep at its next turn.
struct RecordingRetention: Service {
    let library: RecordingLibrary
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await library.purgeExpired()
                try await Task.sleep(for: interval)
            }
        }
    }
}
