import Foundation
import Logging
import Media
import Store
import Synchronization

/// The conference rooms in progress, by account and friendly name (how `<Conference>` finds
/// its room) and by ConferenceSid (how the REST API does). A room is made by its first
/// participant and forgotten when it is completed.
public final class Conferences: Sendable {
    private let rooms = Mutex<[String: ConferenceRoom]>([:])
    private let bySid = Mutex<[ConferenceSid: ConferenceRoom]>([:])
    private let media: MediaEngine
    private let audio: AudioCache
    private let fetcher: RCMLFetcher
    private let library: RecordingLibrary
    public let records: any ConferenceRepository
    private let clock: any WallClock
    private let logger: Logger

    public init(
        media: MediaEngine, audio: AudioCache, fetcher: RCMLFetcher, records: any ConferenceRepository, library: RecordingLibrary,
        clock: any WallClock, logger: Logger
    ) {
        self.fetcher = fetcher
        self.library = library
        self.media = media
        self.audio = audio
        self.records = records
        self.clock = clock
        self.logger = logger
    }

    /// The account's room of that name, made if there is none in progress.
    func room(account: AccountSid, name: String) -> ConferenceRoom {
        let key = "\(account.rawValue)|\(name)"
        return rooms.withLock { rooms in
            if let room = rooms[key], !room.over.load(ordering: .relaxed) { return room }
            let now = clock.now()
            let record = ConferenceRecord(
                sid: .generate(), accountSid: account, friendlyName: name, status: .initial, dateCreated: now, dateUpdated: now)
            let room = ConferenceRoom(
                record: record, media: media, audio: audio, fetcher: fetcher, conferences: records, library: library, clock: clock,
                logger: logger,
                onEmpty: { [weak self] sid in self?.forget(key: key, sid: sid) })
            rooms[key] = room
            bySid.withLock { $0[record.sid] = room }
            return room
        }
    }

    /// A room in progress by its SID, if the account holds it.
    func room(_ sid: ConferenceSid, account: AccountSid) async -> ConferenceRoom? {
        guard let room = bySid.withLock({ $0[sid] }) else { return nil }
        return await room.record.accountSid == account ? room : nil
    }

    /// Rooms in progress and the participants in them, across accounts (for the metrics).
    public func occupancy() async -> (rooms: Int, participants: Int) {
        let live = bySid.withLock { Array($0.values) }.filter { !$0.over.load(ordering: .relaxed) }
        var participants = 0
        for room in live { participants += await room.view().count }
        return (live.count, participants)
    }

    /// REST: the live participants of a room (empty when it is over or unknown).
    public func participants(of sid: ConferenceSid, account: AccountSid) async -> [ParticipantSummary] {
        guard let room = await room(sid, account: account) else { return [] }
        return await room.view().map {
            ParticipantSummary(
                callSid: $0.callSid, conferenceSid: sid, accountSid: account, callSidToCoach: $0.callSidToCoach, muted: $0.muted,
                hold: $0.hold,
                startConferenceOnEnter: $0.startConferenceOnEnter, endConferenceOnExit: $0.endConferenceOnExit,
                dateCreated: $0.dateCreated, dateUpdated: $0.dateUpdated)
        }
    }

    /// REST `Muted`: false when the call is not a participant.
    public func setMuted(_ call: CallSid, in sid: ConferenceSid, account: AccountSid, muted: Bool) async -> Bool {
        guard let room = await room(sid, account: account) else { return false }
        return await room.setMuted(call, muted)
    }

    /// REST `Hold` (with `HoldUrl`: a WAV file, or an RCML document requested with
    /// `HoldMethod` and run in a loop by the participant's leg; else Parley's hold music):
    /// false when the call is not a participant.
    public func setHold(
        _ call: CallSid, in sid: ConferenceSid, account: AccountSid, hold: Bool, holdUrl: String?, holdMethod: WebhookMethod = .get
    ) async -> Bool {
        guard let room = await room(sid, account: account) else { return false }
        var music: [Int16]?
        var document: WebhookTarget?
        if let holdUrl, hold {
            switch await RoomAudio.fetch(holdUrl, method: holdMethod, from: audio, logger: logger) {
            case .samples(let samples): music = samples
            case .document(let target): document = target
            case .unavailable: break
            }
        }
        return await room.setHold(call, hold, music: music, document: document)
    }

    /// REST `AnnounceUrl` (a WAV file) to one participant or, without one, the whole room.
    /// False when the room or participant is not there; throws the audio's failure.
    public func announce(_ url: String, to call: CallSid?, in sid: ConferenceSid, account: AccountSid) async throws(AudioCache.Failure) -> Bool {
        let samples = try await audio.samples(of: url, account: account)
        guard let room = await room(sid, account: account) else { return false }
        return await room.announce(samples, to: call)
    }

    /// REST `Status=completed`: the room ends for everyone. False when it is not in progress.
    public func end(_ sid: ConferenceSid, account: AccountSid) async -> Bool {
        guard let room = await room(sid, account: account) else { return false }
        await room.endViaAPI()
        return true
    }

    /// REST DELETE: false when the call is not a participant.
    public func kick(_ call: CallSid, from sid: ConferenceSid, account: AccountSid) async -> Bool {
        guard let room = await room(sid, account: account) else { return false }
        return await room.kick(call)
    }

    private func forget(key: String, sid: ConferenceSid) {
        rooms.withLock { rooms in
            if let room = rooms[key], bySid.withLock({ $0[sid] }) === room { rooms[key] = nil }
        }
        bySid.withLock { _ = $0.removeValue(forKey: sid) }
    }
}

/// A conference participant as the REST API shows it.
public struct ParticipantSummary: Sendable {
    public let callSid: CallSid
    public let conferenceSid: ConferenceSid
    public let accountSid: AccountSid
    /// Set for a coach: the participant only they speak to.
    public let callSidToCoach: CallSid?
    public let muted: Bool
    public let hold: Bool
    public let startConferenceOnEnter: Bool
    public let endConferenceOnExit: Bool
    public let dateCreated: Date
    public let dateUpdated: Date
}
