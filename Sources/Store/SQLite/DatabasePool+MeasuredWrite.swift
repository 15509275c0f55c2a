import GRDB
import Metrics

extension DatabasePool {
    /// A write transaction, timed from the request (waiting for the writer included) to its
    /// commit, for the metrics endpoint's `parley_database_write_duration_seconds`.
    func measuredWrite<T: Sendable>(_ updates: @Sendable @escaping (Database) throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { Timer(label: "parley_database_write_duration_seconds").record(duration: .now - started) }
        return try await write(updates)
    }
}
