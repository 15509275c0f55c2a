import ArgumentParser
import Foundation
import Store

/// `parley calls list`: the operator's view of calls across tenants, read from the data
/// directory (also while `parley serve` runs on it).
struct CallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls", abstract: "See calls across every account.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List calls in progress (--live) or the newest calls, one per line.")
        @OptionGroup var location: AccountsCommand.Location
        @Flag(help: "Only the calls not finished: queued, ringing or in progress.")
        var live = false
        @Option(help: "How many of the newest calls, without --live.")
        var limit = 50

        func run() async throws {
            let store = try location.openStore()
            let calls = live ? try await store.calls.unfinished() : try await store.calls.recent(limit: max(1, limit))
            for call in calls {
                let started = call.startTime.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
                let duration = call.duration.map { "\($0)s" } ?? "-"
                print("\(call.sid) \(call.accountSid) \(call.direction.rawValue) \(call.status.rawValue) from=\(call.from) to=\(call.to) started=\(started) duration=\(duration)")
            }
        }
    }
}
