import Foundation
import Logging
import Media
import Store
import Synchronization

/// One conference room (an actor per room, as call legs have theirs): who is in it, who is
/// muted, whether it has started, and its record. The audio itself is mixed on a media loop
/// (`ConferenceMixer`); the room only connects and disconnects participants' ports.
/// Participants without `startConferenceOnEnter` wait with hold music until one with it
/// arrives; one with `endConferenceOnExit` ends the room for all when leaving; the room is
/// completed when its last participant leaves. A participant with `record` has the room's mix
/// recorded from its start to its end, as a recording of the conference.
actor ConferenceRoom {
    /// Why a call could not join.
    enum Refusal: Error {
        case fullOrOver
        /// `coach` named a call that is not in the room.
        case noSuchParticipantToCoach(String)
    }

    /// What a participant's Dial hears from the room.
    enum Event: Sendable {
        /// The conference ended (a participant with endConferenceOnExit left).
        case ended
        /// Removed through the REST API.
        case kicked
        /// An RCML document, not audio, is what the participant hears now (a `waitUrl` before
        /// the start, a `HoldUrl` on hold): the participant's leg runs it in a loop (the room
        /// cannot speak for it).
        case playDocument(WebhookTarget)
        /// The room started, or the participant is off hold: the document stops.
        case stopDocument
    }

    struct Participant {
        let call: CallRecord
        let session: MediaSession
        let port: MixerPort
        let options: RCMLVerb.ConferenceNoun
        let events: AsyncStream<Event>.Continuation
        let joined: Date
        var updated: Date
        var held = false
    }

    /// What the REST API shows of a participant.
    struct ParticipantView: Sendable {
        let callSid: CallSid
        let callSidToCoach: CallSid?
        let muted: Bool
        let hold: Bool
        let startConferenceOnEnter: Bool
        let endConferenceOnExit: Bool
        let dateCreated: Date
        let dateUpdated: Date
    }

    private(set) var record: ConferenceRecord
    /// Set when the room is completed, readable without the actor: a new participant then
    /// gets a new room of the same name.
    nonisolated let over = Atomic<Bool>(false)
    private let media: MediaEngine
    private let audio: AudioCache
    private let conferences: any ConferenceRepository
    private let clock: any WallClock
    private let logger: Logger
    private var mixer: ConferenceMixer?
    private var participants: [CallSid: Participant] = [:]
    /// Making the mixer and writing the record, started by the first join.
    private var preparation: Task<ConferenceMixer?, Never>?
    private var kicked: Set<CallSid> = []
    private let onEmpty: @Sendable (ConferenceSid) -> Void
    private let fetcher: RCMLFetcher
    /// The room's status callback (the first participant's), its events and their order.
    private var callback: (url: String, method: WebhookMethod, events: Set<RCMLVerb.ConferenceEvent>)?
    private var callbacks: AsyncStream<[(String, String)]>.Continuation?
    private var sequenceNumber = 0
    private let library: RecordingLibrary
    /// Asked for by a participant's `record`, with where to say it is complete.
    private var recordingWanted: (callback: String?, method: WebhookMethod)?
    private var recording: Recording?

    init(
        record: ConferenceRecord, media: MediaEngine, audio: AudioCache, fetcher: RCMLFetcher, conferences: any ConferenceRepository,
        library: RecordingLibrary, clock: any WallClock, logger: Logger, onEmpty: @escaping @Sendable (ConferenceSid) -> Void
    ) {
        self.fetcher = fetcher
        self.library = library
        self.record = record
        self.media = media
        self.audio = audio
        self.conferences = conferences
        self.clock = clock
        self.logger = logger
        self.onEmpty = onEmpty
    }

    var isCompleted: Bool { record.status == .completed }

    /// Connects a call's media to the room; refused when the room is full or over, or when the
    /// participant to coach is not in it.
    func join(_ call: CallRecord, session: MediaSession, options: RCMLVerb.ConferenceNoun) async throws(Refusal) -> AsyncStream<Event> {
        // The first join makes the mixer and writes the record; joins arriving meanwhile wait
        // for that same work (an actor suspends at each await: two joins must not make two).
        if preparation == nil {
            let (media, conferences, record, logger) = (self.media, self.conferences, self.record, self.logger)
            preparation = Task {
                try? await conferences.insert(record)
                do {
                    return try await media.makeMixer()
                } catch {
                    logger.error("no conference mixer", metadata: ["conference": "\(record.sid)", "error": "\(error)"])
                    return nil
                }
            }
        }
        guard let prepared = await preparation?.value else { throw .fullOrOver }
        mixer = prepared
        guard record.status != .completed, participants.count < options.maxParticipants else { throw .fullOrOver }
        var coached: MixerPort?
        if let coach = options.coach {
            guard let sid = CallSid(coach), let participant = participants[sid] else { throw .noSuchParticipantToCoach(coach) }
            coached = participant.port
        }
        if callback == nil, let url = options.statusCallback { listen(url, method: options.statusCallbackMethod, events: options.statusCallbackEvents) }
        if options.record, recordingWanted == nil { recordingWanted = (options.recordingStatusCallback, options.recordingStatusCallbackMethod) }
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let now = clock.now()
        let participant = Participant(
            call: call, session: session, port: MixerPort(muted: options.muted, coaching: coached), options: options, events: continuation,
            joined: now,
            updated: now)
        participants[call.sid] = participant
        session.join(participant.port)
        if options.startConferenceOnEnter, record.status == .initial {
            await start()
        } else if record.status == .inProgress {
            connect(participant)
            await startRecording()
        } else {
            await wait(participant)
        }
        if options.beepOnEnter, record.status == .inProgress { mixer?.announce(ToneGenerator.beep(milliseconds: 200)) }
        report("participant-join", .join, participant)
        return events
    }

    /// A participant's Dial ends (hang-up, time limit, kick, end of the room): disconnected.
    func leave(_ call: CallSid) async {
        guard let participant = participants.removeValue(forKey: call) else { return }
        mixer?.remove(participant.port)
        participant.session.leaveConference()
        participant.session.stopPlayback()
        participant.events.finish()
        report("participant-leave", .leave, participant)
        if participant.options.beepOnExit, record.status == .inProgress, !participants.isEmpty {
            mixer?.announce(ToneGenerator.beep(milliseconds: 200))
        }
        if participant.options.endConferenceOnExit {
            await end(reason: "participant-with-end-conference-on-exit-" + (kicked.contains(call) ? "kicked" : "left"))
        } else if participants.isEmpty {
            await end(reason: kicked.contains(call) ? "last-participant-kicked" : "last-participant-left")
        }
    }

    /// REST `Muted`: false when the call is not in this room.
    func setMuted(_ call: CallSid, _ muted: Bool) -> Bool {
        guard var participant = participants[call] else { return false }
        let changed = participant.port.muted != muted
        participant.port.muted = muted
        participant.updated = clock.now()
        participants[call] = participant
        if changed { report(muted ? "participant-mute" : "participant-unmute", .mute, participant) }
        return true
    }

    /// REST `Hold`: a participant on hold leaves the mix and hears `music` (hold music by
    /// default) or, given a `document`, their leg runs it; taken off hold, they are back in
    /// the room. False when not a participant.
    func setHold(_ call: CallSid, _ hold: Bool, music: [Int16]?, document: WebhookTarget? = nil) -> Bool {
        guard var participant = participants[call] else { return false }
        if hold != participant.held {
            participant.held = hold
            participant.updated = clock.now()
            participants[call] = participant
            if hold {
                mixer?.remove(participant.port)
                if let document {
                    participant.events.yield(.playDocument(document))
                } else {
                    participant.session.play(music ?? ToneGenerator.holdMusic(), loops: 0)
                }
            } else {
                participant.session.stopPlayback()
                participant.events.yield(.stopDocument)
                if record.status == .inProgress { mixer?.add(participant.port) }
            }
            report(hold ? "participant-hold" : "participant-unhold", .hold, participant)
        }
        return true
    }

    /// REST `AnnounceUrl`: audio played to one participant (over the room for its length) or,
    /// with no participant, to the whole room.
    func announce(_ samples: [Int16], to call: CallSid?) -> Bool {
        guard let call else {
            mixer?.announce(samples)
            return true
        }
        guard let participant = participants[call] else { return false }
        participant.session.play(samples, loops: 1)
        return true
    }

    /// REST DELETE: the participant's Dial ends; false when the call is not in this room.
    func kick(_ call: CallSid) -> Bool {
        guard let participant = participants[call] else { return false }
        kicked.insert(call)
        participant.events.yield(.kicked)
        return true
    }

    func view() -> [ParticipantView] {
        participants.values.sorted { $0.joined < $1.joined }.map {
            ParticipantView(
                callSid: $0.call.sid, callSidToCoach: $0.options.coach.flatMap(CallSid.init), muted: $0.port.muted, hold: $0.held, startConferenceOnEnter: $0.options.startConferenceOnEnter,
                endConferenceOnExit: $0.options.endConferenceOnExit, dateCreated: $0.joined, dateUpdated: $0.updated)
        }
    }

    func endViaAPI() async {
        await end(reason: "conference-ended-via-api")
    }

    private func start() async {
        record.status = .inProgress
        await write()
        report("conference-start", .start, nil)
        for participant in participants.values {
            connect(participant)
            participant.events.yield(.stopDocument)
        }
        await startRecording()
    }

    /// The room's recording starts when the room does (or when a participant asking for it
    /// joins a room in progress); its row is written before any audio.
    private func startRecording() async {
        guard recordingWanted != nil, recording == nil, let mixer else { return }
        do {
            let started = try await library.begin(conference: record)
            recording = started
            try await mixer.record(to: library.path(of: started))
        } catch {
            logger.error("could not record a conference", metadata: ["conference": "\(record.sid)", "error": "\(error)"])
        }
    }

    /// At the end of the room: the file is completed, then its row, then the callback told.
    private func finishRecording() async {
        guard let started = recording else { return }
        recording = nil
        let seconds = await mixer?.stopRecording() ?? 0
        let finished = await library.finish(started, seconds: seconds)
        guard let url = recordingWanted?.callback, let method = recordingWanted?.method else { return }
        let parameters = [
            ("AccountSid", record.accountSid.rawValue), ("ConferenceSid", record.sid.rawValue), ("RecordingSid", finished.sid.rawValue),
            ("RecordingUrl", library.resourceURL(of: finished)), ("RecordingStatus", finished.status.rawValue),
            ("RecordingDuration", String(finished.duration ?? 0)), ("RecordingChannels", "1"), ("RecordingSource", finished.source),
            ("RecordingStartTime", RFC2822Date.format(finished.startTime)),
        ]
        fetcher.callbackInBackground(url, method: method, parameters: parameters, account: record.accountSid, call: nil)
    }

    private func connect(_ participant: Participant) {
        guard !participant.held else { return }
        participant.session.stopPlayback()
        mixer?.add(participant.port)
    }

    /// Before the start: the wait audio (hold music, a WAV at waitUrl, or silence); a waitUrl
    /// that gives a document rather than audio goes to the participant's leg to run.
    private func wait(_ participant: Participant) async {
        var music = ToneGenerator.holdMusic()
        switch participant.options.waitUrl {
        case nil: break
        case let url? where url.isEmpty: return
        case let url?:
            switch await RoomAudio.fetch(url, method: participant.options.waitMethod, from: audio, logger: logger) {
            case .samples(let samples): music = samples
            case .document(let target):
                guard record.status == .initial, participants[participant.call.sid] != nil else { return }
                participant.events.yield(.playDocument(target))
                return
            case .unavailable: break
            }
        }
        guard record.status == .initial, participants[participant.call.sid] != nil else { return }
        participant.session.play(music, loops: 0)
    }

    private func end(reason: String) async {
        guard record.status != .completed else { return }
        record.status = .completed
        record.reasonEnded = reason
        over.store(true, ordering: .relaxed)
        await write()
        for participant in participants.values { participant.events.yield(.ended) }
        await finishRecording()
        mixer?.stop()
        report("conference-end", .end, nil)
        callbacks?.finish()
        onEmpty(record.sid)
    }

    private func listen(_ url: String, method: WebhookMethod, events: Set<RCMLVerb.ConferenceEvent>) {
        callback = (url, method, events)
        let (requests, continuation) = AsyncStream<[(String, String)]>.makeStream()
        callbacks = continuation
        let (fetcher, account) = (self.fetcher, record.accountSid)
        fetcher.callbacksInFlight.begin()
        Task {
            for await parameters in requests {
                await fetcher.callback(url, method: method, parameters: parameters, account: account, call: nil)
            }
            fetcher.callbacksInFlight.end()
        }
    }

    /// Queues a status callback, in order, when the room's callback asked for that kind.
    private func report(_ name: String, _ kind: RCMLVerb.ConferenceEvent, _ participant: Participant?) {
        guard let callback, callback.events.contains(kind) else { return }
        var parameters: [(String, String)] = [
            ("ConferenceSid", record.sid.rawValue), ("FriendlyName", record.friendlyName), ("AccountSid", record.accountSid.rawValue),
            ("StatusCallbackEvent", name), ("SequenceNumber", String(sequenceNumber)), ("Timestamp", RFC2822Date.format(clock.now())),
        ]
        if let participant {
            parameters += [
                ("CallSid", participant.call.sid.rawValue), ("Muted", String(participant.port.muted)), ("Hold", String(participant.held)),
                ("StartConferenceOnEnter", String(participant.options.startConferenceOnEnter)),
                ("EndConferenceOnExit", String(participant.options.endConferenceOnExit)),
            ]
        }
        sequenceNumber += 1
        callbacks?.yield(parameters)
    }

    private func write() async {
        record.dateUpdated = clock.now()
        do {
            try await conferences.update(record)
        } catch {
            logger.error("could not update a conference", metadata: ["conference": "\(record.sid)", "error": "\(error)"])
        }
    }
}
