import Foundation
import Media
import Speech
import Store

/// The RCML interpreter of a call leg: runs the verbs of a document in order, answering on the
/// first verb that needs media, following Redirect and Gather actions to new documents, and
/// hanging up at the end of the document. It runs as a task of the leg and stops when the
/// caller hangs up.
extension CallLeg {
    func interpret(_ first: RCMLFetcher.Fetched) async {
        var document = first
        while !Task.isCancelled {
            let verbs: [RCMLVerb]
            do {
                verbs = try RCMLVerb.program(document.document)
            } catch {
                await fetcher.notify(code: 12100, message: "Document parse failure: \(error)", url: document.url, account: record.accountSid, call: record.sid)
                return end()
            }
            guard let next = await run(verbs, documentURL: document.url) else { return }
            document = next
        }
    }

    /// Runs verbs until one leads to another document (returned) or the call ends (nil).
    private func run(_ verbs: [RCMLVerb], documentURL: String) async -> RCMLFetcher.Fetched? {
        for verb in verbs {
            guard !Task.isCancelled, ending == nil else { return nil }
            switch verb {
            case .pause(let seconds):
                // A leading Pause delays answering; later ones are silence on the line.
                guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return nil }
            case .play(let play):
                await answer()
                guard let samples = await samples(of: play, documentURL: documentURL) else { return nil }
                _ = await playUntilDone(samples, loops: play.loop, interruptible: false)
            case .say(let say):
                await answer()
                guard let samples = await speech(say, documentURL: documentURL) else { return nil }
                _ = await playUntilDone(samples, loops: say.loop, interruptible: false)
            case .gather(let gather):
                await answer()
                let digits = await collect(gather, documentURL: documentURL)
                guard !Task.isCancelled, ending == nil else { return nil }
                if !digits.isEmpty {
                    let action = resolve(gather.action ?? documentURL, against: documentURL)
                    return await request(action, method: gather.method, extra: [("Digits", digits)])
                }
            case .hangup:
                end()
                return nil
            case .reject(let busy):
                end(busy: busy)
                return nil
            case .redirect(let url, let method):
                return await request(resolve(url, against: documentURL), method: method, extra: [])
            }
        }
        end()
        return nil
    }

    /// Gather: prompts play until the first key; then keys are read until `numDigits`, the
    /// finish key or `timeout` seconds of silence. Gives the keys (without the finish key).
    private func collect(_ gather: RCMLVerb.Gather, documentURL: String) async -> String {
        var digits = ""
        mailbox.removeAll { $0 == .playbackFinished }
        for prompt in gather.prompts {
            guard digits.isEmpty, !Task.isCancelled else { break }
            switch prompt {
            case .play(let play):
                guard let samples = await samples(of: play, documentURL: documentURL) else { return "" }
                if let key = await playUntilDone(samples, loops: play.loop, interruptible: true) { digits.append(key) }
            case .say(let say):
                guard let samples = await speech(say, documentURL: documentURL) else { return "" }
                if let key = await playUntilDone(samples, loops: say.loop, interruptible: true) { digits.append(key) }
            case .pause(let seconds):
                if case .digit(let key)? = await nextEvent(timeout: .seconds(seconds), keysOnly: true) { digits.append(key) }
            default:
                continue
            }
        }
        while !Task.isCancelled {
            if let last = digits.last, last == gather.finishOnKey {
                digits.removeLast()
                break
            }
            if let limit = gather.numDigits, digits.count >= limit { break }
            guard case .digit(let key)? = await nextEvent(timeout: .seconds(gather.timeout), keysOnly: true) else { break }
            digits.append(key)
        }
        return digits
    }

    /// Plays samples to the end; when `interruptible`, the first key stops it and is returned.
    private func playUntilDone(_ samples: [Int16], loops: Int, interruptible: Bool) async -> Character? {
        mailbox.removeAll()
        session.play(samples, loops: loops)
        while let event = await nextEvent(timeout: nil, keysOnly: false) {
            switch event {
            case .playbackFinished:
                return nil
            case .digit(let key) where interruptible:
                session.stopPlayback()
                return key
            default:
                continue
            }
        }
        session.stopPlayback()
        return nil
    }

    /// The samples of a Play verb: DTMF tones for `digits`, else the WAV at its URL. A URL that
    /// gives nothing playable is a Notification and ends the call.
    private func samples(of play: RCMLVerb.Play, documentURL: String) async -> [Int16]? {
        if let digits = play.digits { return ToneGenerator.dtmf(digits) }
        let url = resolve(play.url ?? "", against: documentURL)
        do {
            return try await audio.samples(of: url)
        } catch {
            await fetcher.notify(code: error.code, message: error.message, url: url, account: record.accountSid, call: record.sid)
            end()
            return nil
        }
    }

    /// The speech of a Say verb; a failure (no synthesizer) is a Notification and ends the call.
    private func speech(_ say: RCMLVerb.Say, documentURL: String) async -> [Int16]? {
        do {
            guard let speech else { throw SpeechSynthesizer.Failure.unavailable }
            return try await speech.speak(say.text, voice: say.voice, language: say.language)
        } catch {
            await fetcher.notify(code: 13520, message: "Say failed: \(error)", url: documentURL, account: record.accountSid, call: record.sid)
            end()
            return nil
        }
    }

    /// A request for the next document (Gather action, Redirect); a failure is a
    /// Notification (written by the fetcher) and ends the call.
    private func request(_ url: String, method: WebhookMethod, extra: [(String, String)]) async -> RCMLFetcher.Fetched? {
        let target = WebhookTarget(url: url, method: method)
        guard let next = await fetcher.fetch(target, parameters: webhookParameters() + extra, account: record.accountSid, call: record.sid) else {
            end()
            return nil
        }
        return next
    }

    private func resolve(_ url: String, against base: String) -> String {
        URL(string: url, relativeTo: URL(string: base))?.absoluteString ?? url
    }

    // MARK: - Events for the running verb

    /// Hands a key or a playback end to the running verb (nil: the leg is over).
    func deliver(_ event: MediaEvent?) {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: event)
        } else if let event {
            mailbox.append(event)
        }
    }

    /// The next key or playback end, or nil after `timeout`, when the leg ends or when the
    /// interpreter is cancelled. With `keysOnly`, playback ends are skipped.
    private func nextEvent(timeout: Duration?, keysOnly: Bool) async -> MediaEvent? {
        if let index = mailbox.firstIndex(where: { !keysOnly || $0 != .playbackFinished }) {
            return mailbox.remove(at: index)
        }
        mailbox.removeAll()
        waiterCount += 1
        let id = waiterCount
        let event = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter = (id, continuation)
                if let timeout {
                    Task {
                        try? await Task.sleep(for: timeout)
                        self.expire(id)
                    }
                }
            }
        } onCancel: {
            Task { await self.expire(id) }
        }
        if keysOnly, event == .playbackFinished { return await nextEvent(timeout: timeout, keysOnly: true) }
        return event
    }

    private func expire(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: nil)
    }
}
