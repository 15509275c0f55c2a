import Foundation
import Logging
import Media
import Store

/// Where recordings live: the row in the store and the WAV file under
/// `<data-dir>/recordings/<AccountSid>/<RecordingSid>.wav`, kept together. It starts and
/// finishes recordings for the Record and Dial verbs and recorded conferences, deletes them (REST or after a year, FlexIO's
/// retention) and closes those a crash cut short.
public final class RecordingLibrary: Sendable {
    public let directory: String
    /// The rows; the REST API reads them here and deletes through `delete(_:)`.
    public let recordings: any RecordingRepository
    private let publicURL: String
    private let clock: any WallClock
    private let logger: Logger

    public init(directory: String, recordings: any RecordingRepository, publicURL: String, clock: any WallClock, logger: Logger) {
        self.directory = directory
        self.recordings = recordings
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.clock = clock
        self.logger = logger
    }

    /// The recording's row, written before any audio so a crash cannot leave a file nobody knows of.
    func begin(call: CallRecord, source: String, channels: Int = 1) async throws -> Recording {
        let now = clock.now()
        let recording = Recording(
            sid: .generate(), accountSid: call.accountSid, callSid: call.sid, channels: channels, source: source,
            publicToken: RandomHex.string(byteCount: 16), startTime: now, dateCreated: now, dateUpdated: now)
        try FileManager.default.createDirectory(atPath: folder(of: recording.accountSid), withIntermediateDirectories: true)
        try await recordings.insert(recording)
        return recording
    }

    /// A conference's recording of its mix: the room's, no call's.
    func begin(conference: ConferenceRecord) async throws -> Recording {
        let now = clock.now()
        let recording = Recording(
            sid: .generate(), accountSid: conference.accountSid, callSid: nil, conferenceSid: conference.sid, source: "Conference",
            publicToken: RandomHex.string(byteCount: 16), startTime: now, dateCreated: now, dateUpdated: now)
        try FileManager.default.createDirectory(atPath: folder(of: recording.accountSid), withIntermediateDirectories: true)
        try await recordings.insert(recording)
        return recording
    }

    /// Marks the recording completed with its duration (seconds of audio in the file).
    func finish(_ recording: Recording, seconds: Double) async -> Recording {
        var finished = recording
        finished.status = .completed
        finished.duration = Int(seconds.rounded())
        finished.dateUpdated = clock.now()
        do {
            try await recordings.update(finished)
        } catch {
            logger.error("could not finish a recording", metadata: ["recording": "\(recording.sid)", "error": "\(error)"])
        }
        return finished
    }

    /// Where each side of a recorded Dial is written while it lasts, before `mergeSides`.
    func sidePaths(of recording: Recording) -> (caller: String, callee: String) {
        (path(of: recording) + ".caller", path(of: recording) + ".callee")
    }

    /// Joins the two sides of a Dial recording, sample by sample from the answer, into the
    /// recording's file (mixed with saturation, or one side per channel), removes the sides
    /// and completes the recording.
    func mergeSides(of recording: Recording, dual: Bool) async -> Recording {
        let (callerPath, calleePath) = sidePaths(of: recording)
        func samples(_ path: String) -> [Int16] {
            (FileManager.default.contents(atPath: path).flatMap { try? WAVAudio(data: $0) })?.samples ?? []
        }
        let (caller, callee) = (samples(callerPath), samples(calleePath))
        let length = max(caller.count, callee.count)
        var merged: [Int16] = []
        merged.reserveCapacity(dual ? length * 2 : length)
        for index in 0..<length {
            let first = index < caller.count ? caller[index] : 0
            let second = index < callee.count ? callee[index] : 0
            if dual {
                merged += [first, second]
            } else {
                merged.append(Int16(clamping: Int(first) + Int(second)))
            }
        }
        do {
            let writer = try WAVWriter(path: path(of: recording), format: WAVFormat(encoding: .pcm, sampleRate: 8000, channels: dual ? 2 : 1))
            try writer.append(merged)
            try writer.close()
        } catch {
            logger.error("could not write a Dial recording", metadata: ["recording": "\(recording.sid)", "error": "\(error)"])
        }
        for side in [callerPath, calleePath] { try? FileManager.default.removeItem(atPath: side) }
        return await finish(recording, seconds: Double(length) / 8000)
    }

    public func path(of recording: Recording) -> String {
        "\(folder(of: recording.accountSid))/\(recording.sid.rawValue).wav"
    }

    /// The recording's resource URL, as `RecordingUrl` gives it (media at `.wav`).
    public func resourceURL(of recording: Recording) -> String {
        "\(publicURL)/2010-04-01/Accounts/\(recording.accountSid.rawValue)/Recordings/\(recording.sid.rawValue)"
    }

    /// The unguessable URL that serves the media without credentials; nil when disabled.
    public func publicMediaURL(of recording: Recording) -> String? {
        recording.publicToken.map { "\(publicURL)/recordings/\($0).wav" }
    }

    /// The file of a recording of `account` that `url` names on this Parley (its resource URL,
    /// with `.wav` or without, under either API root, or its public URL), if it is complete:
    /// `<Play>` of a `RecordingUrl` reads it from disk, since the egress guard never lets a
    /// tenant's URL reach Parley's own listener.
    func ownRecordingFile(at url: String, account: AccountSid) async -> String? {
        guard url.hasPrefix(publicURL + "/") else { return nil }
        let path = url.dropFirst(publicURL.count).split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let segments = path.split(separator: "/")
        let recording: Recording?
        if segments.count == 2, segments[0] == "recordings", segments[1].hasSuffix(".wav") {
            recording = try? await recordings.find(publicToken: String(segments[1].dropLast(4)))
        } else if let index = segments.firstIndex(of: "Recordings"), index + 1 == segments.count - 1, index >= 2,
            segments[index - 2] == "Accounts", segments[index - 1] == account.rawValue[...],
            let sid = RecordingSid(segments[index + 1].hasSuffix(".wav") ? segments[index + 1].dropLast(4) : segments[index + 1])
        {
            recording = try? await recordings.find(sid, account: account)
        } else {
            return nil
        }
        guard let recording, recording.status == .completed else { return nil }
        return self.path(of: recording)
    }

    /// Turns the public URL on (a fresh token: an old link stays dead) or off.
    public func setPublic(_ recording: Recording, enabled: Bool) async throws -> Recording {
        var changed = recording
        guard enabled != (recording.publicToken != nil) else { return recording }
        changed.publicToken = enabled ? RandomHex.string(byteCount: 16) : nil
        changed.dateUpdated = clock.now()
        try await recordings.update(changed)
        return changed
    }

    /// Removes the row first, then the file: a crash in between leaves an orphan file, never a
    /// row whose media is gone.
    public func delete(_ recording: Recording) async throws -> Bool {
        guard try await recordings.delete(recording.sid, account: recording.accountSid) else { return false }
        try? FileManager.default.removeItem(atPath: path(of: recording))
        return true
    }

    /// Deletes every recording older than the retention period; gives how many went.
    public func purgeExpired() async -> Int {
        let cutoff = clock.now().addingTimeInterval(-Recording.retention)
        var purged = 0
        do {
            while true {
                let expired = try await recordings.created(before: cutoff, limit: 100)
                for recording in expired where try await delete(recording) { purged += 1 }
                if expired.count < 100 { break }
            }
        } catch {
            logger.error("recording retention failed", metadata: ["error": "\(error)"])
        }
        if purged > 0 { logger.info("recordings past their year deleted", metadata: ["count": "\(purged)"]) }
        return purged
    }

    /// After a crash: recordings still in progress are completed with what their file holds
    /// (the WAV header is valid after every append).
    public func closeUnfinished() async throws {
        for recording in try await recordings.unfinished() {
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path(of: recording))[.size] as? Int) ?? 44
            _ = await finish(recording, seconds: Double(max(0, bytes - 44)) / 16_000)
        }
    }

    private func folder(of account: AccountSid) -> String {
        "\(directory)/\(account.rawValue)"
    }
}
