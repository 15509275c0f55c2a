import Foundation

/// Call records whose every insert and update is also published to `changes`: the console's
/// logs show a call's progress as it is written, without reading the table again.
public struct ObservedCallRepository: CallRepository {
    private let base: any CallRepository
    public let changes: Broadcast<CallRecord>

    public init(_ base: any CallRepository, changes: Broadcast<CallRecord> = Broadcast()) {
        self.base = base
        self.changes = changes
    }

    public func insert(_ call: CallRecord) async throws {
        try await base.insert(call)
        changes.publish(call)
    }

    public func update(_ call: CallRecord) async throws {
        try await base.update(call)
        changes.publish(call)
    }

    public func find(_ sid: CallSid, account: AccountSid) async throws -> CallRecord? { try await base.find(sid, account: account) }

    public func list(account: AccountSid, filter: CallFilter, page: PageRequest) async throws -> PageResult<CallRecord> {
        try await base.list(account: account, filter: filter, page: page)
    }

    public func closeOpenCalls(at now: Date) async throws -> Int { try await base.closeOpenCalls(at: now) }
    public func unfinished() async throws -> [CallRecord] { try await base.unfinished() }
    public func recent(limit: Int) async throws -> [CallRecord] { try await base.recent(limit: limit) }
    public func delete(_ sid: CallSid, account: AccountSid) async throws -> Bool { try await base.delete(sid, account: account) }
    public func purge(createdBefore date: Date) async throws -> Int { try await base.purge(createdBefore: date) }
}
