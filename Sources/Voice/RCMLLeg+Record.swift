import Foundation
import Media
import Store

/// The Record verb: a beep, then what the caller says goes to a WAV file until a finish key,
/// `timeout` seconds of silence, `maxLength` or the caller hanging up. The recording is
/// durable in every case; its action is requested with `RecordingUrl`, `RecordingDuration`
/// and `Digits` (`hangup` when the caller left, whose answer is then ignored).
extension RCMLLeg {
    /// Records, then gives the action's document (without an action, the current document's
    /// URL is requested again, as Twilio does); nil when the call is over.
    func record(_ verb: RCMLVerb.Record, documentURL: String) async -> RCMLFetcher.Fetched? {
        if verb.playBeep {
            await playUntilDone(ToneGenerator.beep(), loops: 1)
            guard !Task.isCancelled, ending == nil else { return nil }
        }
        let library = runtime.recordings
        let recording: Recording
        do {
            recording = try await library.begin(call: record, source: "RecordVerb")
            try await session.record(to: library.path(of: recording), silenceTimeout: verb.timeout > 0 ? .seconds(verb.timeout) : nil)
        } catch {
            await runtime.fetcher.notify(
                code: 12400, message: "Record could not start: \(error)", url: documentURL, account: record.accountSid, call: record.sid)
            endUnlessCancelled()
            return nil
        }
        inbox.mailbox.removeAll()
        let deadline = ContinuousClock.now + .seconds(verb.maxLength)
        var digits = ""
        while !Task.isCancelled {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, let event = await nextEvent(timeout: left, keysOnly: true) else { break }
            if event == .silence { break }
            if case .digit(let key) = event, verb.finishOnKey.contains(key) {
                digits = String(key)
                break
            }
        }
        let hungUp = Task.isCancelled || ending != nil
        // Finished outside this (possibly cancelled) task: the store refuses writes from a
        // cancelled one, and a recording must be closed even when the caller hung up.
        let finished = await Task.detached { [session] in
            await library.finish(recording, seconds: await session.stopRecording() ?? 0)
        }.value
        let action = resolve(verb.action ?? documentURL, against: documentURL)
        let extra = [
            ("RecordingUrl", library.resourceURL(of: finished)), ("RecordingSid", finished.sid.rawValue),
            ("RecordingDuration", String(finished.duration ?? 0)), ("Digits", hungUp ? "hangup" : digits),
        ]
        if hungUp {
            tellActionAfterHangUp(action, method: verb.method, extra: extra)
            return nil
        }
        return await request(action, method: verb.method, extra: extra)
    }
}
