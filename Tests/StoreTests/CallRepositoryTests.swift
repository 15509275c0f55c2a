import Foundation
import Testing

@testable import Store

@Suite("Call records")
struct CallRepositoryTests {
    func record(_ account: AccountSid, status: CallStatus, start: Date?, created: Date, to: String = "+3222060746") -> CallRecord {
        CallRecord(
            sid: .generate(), accountSid: account, to: to, from: "+32470206100", status: status, direction: .inbound,
            startTime: start, dateCreated: created, dateUpdated: created)
    }

    @Test("open calls are closed after a crash: answered ones completed, the others failed")
    func crashRecovery() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let answered = record(account.sid, status: .inProgress, start: now.addingTimeInterval(-90), created: now.addingTimeInterval(-95))
        let ringing = record(account.sid, status: .ringing, start: nil, created: now.addingTimeInterval(-5))
        var done = record(account.sid, status: .completed, start: now.addingTimeInterval(-300), created: now.addingTimeInterval(-310))
        done.endTime = now.addingTimeInterval(-200)
        for call in [answered, ringing, done] { try await temporary.store.calls.insert(call) }
        #expect(try await temporary.store.calls.closeOpenCalls(at: now) == 2)
        let closedAnswer = try #require(try await temporary.store.calls.find(answered.sid, account: account.sid))
        #expect(closedAnswer.status == .completed && closedAnswer.duration == 90)
        #expect(try await temporary.store.calls.find(ringing.sid, account: account.sid)?.status == .failed)
        #expect(try await temporary.store.calls.find(done.sid, account: account.sid)?.duration == 100)
    }

    @Test("a finished record is never reopened by a late write of an earlier state")
    func finalStatusesStay() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var call = record(account.sid, status: .ringing, start: nil, created: now)
        try await temporary.store.calls.insert(call)
        var answered = call
        answered.status = .inProgress
        answered.startTime = now.addingTimeInterval(1)
        call = answered
        call.status = .completed
        call.endTime = now.addingTimeInterval(31)
        try await temporary.store.calls.update(call)
        try await temporary.store.calls.update(answered)  // arrives late
        let stored = try #require(try await temporary.store.calls.find(call.sid, account: account.sid))
        #expect(stored.status == .completed && stored.duration == 30)
    }

    @Test("the list is newest first and filters by status, number and start time")
    func filters() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let first = record(account.sid, status: .completed, start: base, created: base)
        let second = record(account.sid, status: .busy, start: base.addingTimeInterval(86400), created: base.addingTimeInterval(86400), to: "+3232060700")
        for call in [first, second] { try await temporary.store.calls.insert(call) }
        func list(_ configure: (inout CallFilter) -> Void) async throws -> [CallSid] {
            var filter = CallFilter()
            configure(&filter)
            return try await temporary.store.calls.list(account: account.sid, filter: filter, page: PageRequest()).items.map(\.sid)
        }
        #expect(try await list { _ in } == [second.sid, first.sid])
        #expect(try await list { $0.status = .busy } == [second.sid])
        #expect(try await list { $0.to = "+3222060746" } == [first.sid])
        #expect(try await list { $0.startedAfter = base.addingTimeInterval(3600) } == [second.sid])
        #expect(try await list { $0.startedBefore = base.addingTimeInterval(3600) } == [first.sid])
        #expect(try await temporary.store.calls.list(account: makeAccount().sid, filter: CallFilter(), page: PageRequest()).total == 0)
    }
}
