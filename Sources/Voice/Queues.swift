import Foundation
import Logging
import Media
import Store
import Synchronization

/// The account's call queues: their records in the store and, for each, the actor holding its
/// members (made on first use and kept, so an empty queue keeps its average wait).
public final class Queues: Sendable {
    public let records: any QueueRepository
    let media: MediaEngine
    private let actors = Mutex<[QueueSid: CallQueue]>([:])
    private let clock: any WallClock

    public init(records: any QueueRepository, media: MediaEngine, clock: any WallClock) {
        self.records = records
        self.media = media
        self.clock = clock
    }

    /// The account's queue of that name; made (with Twilio's default size, 100) if `create`.
    func queue(named name: String, account: AccountSid, create: Bool) async throws -> CallQueue? {
        if let record = try await records.find(name: name, account: account) { return actor(for: record) }
        guard create else { return nil }
        let now = clock.now()
        let record = QueueRecord(sid: .generate(), accountSid: account, friendlyName: name, dateCreated: now, dateUpdated: now)
        do {
            try await records.insert(record)
        } catch StoreError.duplicate {
            // Made by another caller meanwhile.
            return try await queue(named: name, account: account, create: false)
        }
        return actor(for: record)
    }

    func queue(_ sid: QueueSid, account: AccountSid) async throws -> CallQueue? {
        guard let record = try await records.find(sid, account: account) else { return nil }
        return actor(for: record)
    }

    private func actor(for record: QueueRecord) -> CallQueue {
        actors.withLock { actors in
            if let queue = actors[record.sid] { return queue }
            let queue = CallQueue(record: record)
            actors[record.sid] = queue
            return queue
        }
    }

    /// Callers waiting in any queue, across accounts (for the metrics).
    public func waiting() async -> Int {
        var total = 0
        for queue in actors.withLock({ Array($0.values) }) { total += await queue.size }
        return total
    }

    /// REST: the live figures of a queue.
    public func figures(of record: QueueRecord) async -> (currentSize: Int, averageWait: Int) {
        let queue = actor(for: record)
        await queue.rename(record)
        return (await queue.size, await queue.averageWait)
    }

    /// REST: the members of a queue, front first.
    public func members(of record: QueueRecord) async -> [QueueMember] {
        await actor(for: record).views().map {
            QueueMember(callSid: $0.call, queueSid: record.sid, accountSid: record.accountSid, position: $0.position, waitTime: $0.waitSeconds, dateEnqueued: $0.enqueued)
        }
    }

    /// REST `POST Members/Front` or `Members/{CallSid}` with `Url`: the member leaves the
    /// queue and runs that RCML. Nil when there is no such member.
    public func dequeue(_ call: CallSid?, from record: QueueRecord, to target: WebhookTarget) async -> QueueMember? {
        let queue = actor(for: record)
        let chosen: CallQueue.MemberView?
        if let call { chosen = await queue.view(call) } else { chosen = await queue.views().first }
        guard let view = chosen, let member = await queue.take(view.call) else { return nil }
        member.signals.yield(.redirected(target))
        return QueueMember(
            callSid: view.call, queueSid: record.sid, accountSid: record.accountSid, position: view.position, waitTime: view.waitSeconds,
            dateEnqueued: view.enqueued)
    }
}

/// A waiting caller as the REST API shows it.
public struct QueueMember: Sendable {
    public let callSid: CallSid
    public let queueSid: QueueSid
    public let accountSid: AccountSid
    public let position: Int
    public let waitTime: Int
    public let dateEnqueued: Date
}
