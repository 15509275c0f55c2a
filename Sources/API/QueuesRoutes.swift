import Foundation
import Hummingbird
import Store
import Voice

/// Queues (create with `FriendlyName` and `MaxSize`, list, fetch with the live
/// `current_size` and `average_wait_time`, update, delete when empty) and their Members
/// (list front first, fetch one or `Front`, POST with `Url` to take one out of the queue and
/// run that RCML).
struct QueuesRoutes {
    let accounts: any AccountRepository
    let queues: Queues
    let clock: any WallClock
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.post("Accounts/{accountSid}/Queues") { request, context in try await create(request, context) }
        group.get("Accounts/{accountSid}/Queues") { request, context in
            let account = try await scope.resolve(context)
            let result = try await queues.records.list(account: account.sid, page: try request.queryForm().pageRequest())
            var items: [ResourceValue] = []
            for queue in result.items { items.append(await representation(queue, context: context)) }
            let page = ListPage(path: "/Accounts/\(account.sid)/Queues", key: "queues", listElement: "Queues", itemElement: "Queue")
            let rendered = PageResult(items: items, total: result.total, request: result.request)
            return page.response(rendered, filters: [], context: context) { $0 }
        }
        group.get("Accounts/{accountSid}/Queues/{sid}") { _, context in
            let queue = try await find(context, access: .read)
            return ResourceResponse.make(await representation(queue, context: context), element: "Queue", context: context)
        }
        group.update("Accounts/{accountSid}/Queues/{sid}") { request, context in
            var queue = try await find(context, access: .write)
            let form = try await request.formParameters()
            if let name = try form.text("FriendlyName", maxLength: 64) { queue.friendlyName = name }
            if let size = try form.integer("MaxSize", in: 1...QueueRecord.largestSize) { queue.maxSize = size }
            queue.dateUpdated = clock.now()
            do {
                try await queues.records.update(queue)
            } catch StoreError.duplicate {
                throw APIError.conflict("A queue named '\(queue.friendlyName)' already exists")
            }
            return ResourceResponse.make(await representation(queue, context: context), element: "Queue", context: context)
        }
        group.delete("Accounts/{accountSid}/Queues/{sid}") { _, context in
            let queue = try await find(context, access: .write)
            guard await queues.figures(of: queue).currentSize == 0 else {
                throw APIError.invalidParameter("Sid", "the queue still has callers waiting")
            }
            _ = try await queues.records.delete(queue.sid, account: queue.accountSid)
            return ResourceResponse.noContent()
        }
        group.get("Accounts/{accountSid}/Queues/{sid}/Members") { _, context in
            let queue = try await find(context, access: .read)
            let members = await queues.members(of: queue)
            let page = ListPage(
                path: "/Accounts/\(queue.accountSid)/Queues/\(queue.sid)/Members", key: "queue_members", listElement: "QueueMembers",
                itemElement: "QueueMember")
            let result = PageResult(items: members, total: members.count, request: PageRequest(page: 0, size: 1000))
            return page.response(result, filters: [], context: context) { Self.representation($0, context: context) }
        }
        group.get("Accounts/{accountSid}/Queues/{sid}/Members/{member}") { _, context in
            let queue = try await find(context, access: .read)
            let wanted = try member(context)
            let members = await queues.members(of: queue)
            guard let found = wanted.map({ call in members.first { $0.callSid == call } }) ?? members.first else {
                throw APIError.notFound(context.parameters.get("member") ?? "")
            }
            return ResourceResponse.make(Self.representation(found, context: context), element: "QueueMember", context: context)
        }
        group.update("Accounts/{accountSid}/Queues/{sid}/Members/{member}") { request, context in
            let queue = try await find(context, access: .write)
            let form = try await request.formParameters()
            guard case .some(.some(let url)) = try form.url("Url") else { throw APIError.missingParameter("Url") }
            let target = WebhookTarget(url: url, method: try form.method("Method") ?? .post)
            guard let member = await queues.dequeue(try member(context), from: queue, to: target) else {
                throw APIError.notFound(context.parameters.get("member") ?? "")
            }
            return ResourceResponse.make(Self.representation(member, context: context), element: "QueueMember", context: context)
        }
    }

    /// `Front`, or a CallSid.
    private func member(_ context: ParleyRequestContext) throws -> CallSid? {
        let raw = context.parameters.get("member") ?? ""
        if raw == "Front" { return nil }
        guard let sid = CallSid(raw) else { throw APIError.notFound(raw) }
        return sid
    }

    private func create(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let form = try await request.formParameters()
        guard let name = try form.text("FriendlyName", maxLength: 64), !name.isEmpty else { throw APIError.missingParameter("FriendlyName") }
        let now = clock.now()
        let queue = QueueRecord(
            sid: .generate(), accountSid: account.sid, friendlyName: name,
            maxSize: try form.integer("MaxSize", in: 1...QueueRecord.largestSize) ?? 100, dateCreated: now, dateUpdated: now)
        do {
            try await queues.records.insert(queue)
        } catch StoreError.duplicate {
            throw APIError.conflict("A queue named '\(name)' already exists")
        }
        return ResourceResponse.make(await representation(queue, context: context), element: "Queue", status: .created, context: context)
    }

    private func find(_ context: ParleyRequestContext, access: AccountScope.Access) async throws -> QueueRecord {
        let account = try await scope.resolve(context, access: access)
        let sid: QueueSid = try context.sidParameter("sid")
        guard let queue = try await queues.records.find(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
        return queue
    }

    private func representation(_ queue: QueueRecord, context: ParleyRequestContext) async -> ResourceValue {
        let figures = await queues.figures(of: queue)
        return .object([
            "sid": .string(queue.sid.rawValue),
            "account_sid": .string(queue.accountSid.rawValue),
            "friendly_name": .string(queue.friendlyName),
            "max_size": .integer(queue.maxSize),
            "current_size": .integer(figures.currentSize),
            "average_wait_time": .integer(figures.averageWait),
            "date_created": .string(RFC2822Date.format(queue.dateCreated)),
            "date_updated": .string(RFC2822Date.format(queue.dateUpdated)),
            "uri": .string(ResourceURI.item(queue.accountSid, "Queues", queue.sid, context)),
        ])
    }

    static func representation(_ member: QueueMember, context: ParleyRequestContext) -> ResourceValue {
        .object([
            "call_sid": .string(member.callSid.rawValue),
            "queue_sid": .string(member.queueSid.rawValue),
            "position": .integer(member.position),
            "wait_time": .integer(member.waitTime),
            "date_enqueued": .string(RFC2822Date.format(member.dateEnqueued)),
            "uri": .string(context.root.path + "/Accounts/\(member.accountSid)/Queues/\(member.queueSid)/Members/\(member.callSid).json"),
        ])
    }
}
