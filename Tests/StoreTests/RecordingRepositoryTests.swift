import Foundation
import Testing

@testable import Store

@Suite("Recordings")
struct RecordingRepositoryTests {
    @Test("a recording is found by account, call and public token; old ones and unfinished ones are listed for their jobs")
    func lifecycle() async throws {
        let temporary = try TemporaryStore()
        let recordings = temporary.store.recordings
        let account = makeAccount()
        let other = makeAccount()
        for holder in [account, other] { try await temporary.store.accounts.insert(holder) }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func make(_ holder: AccountSid, call: CallSid, age: TimeInterval, token: String?) -> Recording {
            let created = now.addingTimeInterval(-age)
            return Recording(
                sid: .generate(), accountSid: holder, callSid: call, source: "RecordVerb", publicToken: token,
                startTime: created, dateCreated: created, dateUpdated: created)
        }
        let call = CallSid.generate()
        let old = make(account.sid, call: call, age: Recording.retention + 60, token: "old")
        var fresh = make(account.sid, call: call, age: 60, token: "fresh")
        let elsewhere = make(other.sid, call: .generate(), age: 10, token: nil)
        for recording in [old, fresh, elsewhere] { try await recordings.insert(recording) }

        #expect(try await recordings.find(fresh.sid, account: other.sid) == nil)
        #expect(try await recordings.find(publicToken: "fresh")?.sid == fresh.sid)
        #expect(try await recordings.list(account: account.sid, callSid: call, conferenceSid: nil, page: PageRequest()).items.map(\.sid) == [fresh.sid, old.sid])
        #expect(try await recordings.created(before: now.addingTimeInterval(-Recording.retention), limit: 10).map(\.sid) == [old.sid])
        #expect(Set(try await recordings.unfinished().map(\.sid)) == [old.sid, fresh.sid, elsewhere.sid])

        fresh.status = .completed
        fresh.duration = 7
        fresh.publicToken = nil
        try await recordings.update(fresh)
        #expect(try await recordings.find(fresh.sid, account: account.sid) == fresh)
        #expect(try await recordings.find(publicToken: "fresh") == nil)
        #expect(try await recordings.delete(old.sid, account: other.sid) == false)
        #expect(try await recordings.delete(old.sid, account: account.sid))
        #expect(try await recordings.find(old.sid, account: account.sid) == nil)
    }

    @Test("a conference's recording has no call, is listed by its conference, and a row with neither is refused")
    func conferenceRecording() async throws {
        let temporary = try TemporaryStore()
        let recordings = temporary.store.recordings
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let conference = ConferenceSid.generate()
        let room = Recording(
            sid: .generate(), accountSid: account.sid, callSid: nil, conferenceSid: conference, source: "Conference", publicToken: nil,
            startTime: now, dateCreated: now, dateUpdated: now)
        let call = Recording(
            sid: .generate(), accountSid: account.sid, callSid: .generate(), source: "RecordVerb", publicToken: nil, startTime: now,
            dateCreated: now, dateUpdated: now)
        try await recordings.insert(room)
        try await recordings.insert(call)
        #expect(try await recordings.find(room.sid, account: account.sid) == room)
        #expect(try await recordings.list(account: account.sid, callSid: nil, conferenceSid: conference, page: PageRequest()).items == [room])
        #expect(try await recordings.list(account: account.sid, callSid: nil, conferenceSid: nil, page: PageRequest()).items.count == 2)
        var orphan = room
        orphan.sid = .generate()
        orphan.conferenceSid = nil
        await #expect(throws: (any Error).self) { try await recordings.insert(orphan) }
    }
}
