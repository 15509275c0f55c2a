import Foundation
import Testing

@testable import Store

@Suite("Message records")
struct MessageRepositoryTests {
    func message(_ account: AccountSid, to: String = "+32470000001", status: MessageStatus = .queued, created: Date) -> MessageRecord {
        MessageRecord(
            sid: .generate(), accountSid: account, direction: .outboundAPI, from: "8640", to: to, body: "hello", status: status,
            segmentCount: 2, encoding: "GSM-7", dateCreated: created, dateUpdated: created)
    }

    @Test("what a crash caught sending goes back in the queue, which keeps its order")
    func requeue() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = message(account.sid, status: .sending, created: now)
        let second = message(account.sid, created: now.addingTimeInterval(1))
        let sent = message(account.sid, status: .sent, created: now.addingTimeInterval(2))
        for record in [first, second, sent] { try await temporary.store.messages.insert(record) }
        #expect(try await temporary.store.messages.requeueInFlight() == 1)
        #expect(try await temporary.store.messages.queued().map(\.sid) == [first.sid, second.sid])
    }

    @Test("a receipt names its part; the message and every part's outcome come back; unknown ids give nil")
    func receipts() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        var record = message(account.sid, status: .sending, created: Date())
        try await temporary.store.messages.insert(record)
        record.status = .sent
        record.dateSent = Date()
        try await temporary.store.messages.recordSent(record, parts: ["id-1", "id-2"])
        #expect(try await temporary.store.messages.find(record.sid, account: account.sid)?.status == .sent)
        let afterFirst = try #require(try await temporary.store.messages.recordReceipt(smscMessageID: "id-2", outcome: .delivered, errorCode: "000"))
        #expect(afterFirst.message.sid == record.sid && afterFirst.parts == [nil, .delivered])
        let afterBoth = try #require(try await temporary.store.messages.recordReceipt(smscMessageID: "id-1", outcome: .undelivered, errorCode: "001"))
        #expect(afterBoth.parts == [.undelivered, .delivered])
        #expect(try await temporary.store.messages.recordReceipt(smscMessageID: "id-9", outcome: .delivered, errorCode: nil) == nil)
    }

    @Test("parts of an incoming message wait in the file, a repeated part counts once, and the last one makes the message")
    func incomingParts() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func part(_ sequence: Int, _ text: String, reference: Int = 7) -> IncomingMessagePart {
            IncomingMessagePart(
                source: "+32470000001", destination: "+32490206100", reference: reference, total: 3, sequence: sequence, dataCoding: 0,
                payload: Array(text.utf8), receivedAt: now)
        }
        let assemble: @Sendable ([IncomingMessagePart]) -> MessageRecord = { parts in
            MessageRecord(
                sid: .generate(), accountSid: account.sid, direction: .inbound, from: "+32470000001", to: "+32490206100",
                body: String(decoding: parts.flatMap(\.payload), as: UTF8.self), status: .received, segmentCount: parts.count,
                encoding: "GSM-7", dateCreated: now, dateUpdated: now)
        }
        #expect(try await temporary.store.messages.receivePart(part(2, "two "), assemble: assemble) == nil)
        #expect(try await temporary.store.messages.receivePart(part(2, "two "), assemble: assemble) == nil)
        #expect(try await temporary.store.messages.receivePart(part(1, "other", reference: 8), assemble: assemble) == nil)
        // A restart in between loses nothing: the parts are in the file.
        let reopened = try SQLiteStore(path: temporary.path)
        #expect(try await reopened.messages.receivePart(part(1, "one "), assemble: assemble) == nil)
        let whole = try #require(try await reopened.messages.receivePart(part(3, "three"), assemble: assemble))
        #expect(whole.body == "one two three" && whole.segmentCount == 3)
        #expect(try await reopened.messages.find(whole.sid, account: account.sid) == whole)
        // The parts went with it: the same reference again starts a new message.
        #expect(try await reopened.messages.receivePart(part(3, "three"), assemble: assemble) == nil)
    }

    @Test("lists filter by To and by the time sent, newest first")
    func filters() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var early = message(account.sid, to: "+32470000001", status: .sent, created: now)
        early.dateSent = now
        var late = message(account.sid, to: "+32470000002", status: .sent, created: now.addingTimeInterval(60))
        late.dateSent = now.addingTimeInterval(60)
        for record in [early, late] { try await temporary.store.messages.insert(record) }
        let all = try await temporary.store.messages.list(account: account.sid, filter: MessageFilter(), page: PageRequest())
        #expect(all.items.map(\.sid) == [late.sid, early.sid])
        let to = try await temporary.store.messages.list(account: account.sid, filter: MessageFilter(to: "+32470000001"), page: PageRequest())
        #expect(to.items.map(\.sid) == [early.sid])
        let after = try await temporary.store.messages.list(
            account: account.sid, filter: MessageFilter(sentAfter: now.addingTimeInterval(30)), page: PageRequest())
        #expect(after.items.map(\.sid) == [late.sid])
    }
}
