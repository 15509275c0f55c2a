import Foundation
import Media
import Speech
import Store

/// The RCML interpreter of a call leg: requests the application's document, runs its verbs in
/// order (answering on the first verb that needs media), follows Redirect and Gather actions
/// to new documents and hangs up at the end of the document. It runs as a task of the leg;
/// the caller hanging up or a redirect by CallSid cancels it, and a cancelled interpreter
/// never ends the call itself.
extension RCMLLeg {
    /// Runs the application at `target` from its first verb, in place of whatever ran before.
    func runApplication(_ target: WebhookTarget, extra: [(String, String)] = []) {
        interpreter?.cancel()
        session.stopPlayback()
        interpreter = Task { await self.fetchAndInterpret(target, extra: extra) }
    }

    /// Stops the interpreter (the leg is over) and waits for it to wind down, so a recording
    /// in progress is complete before the media session closes.
    func stopApplication() async {
        interpreter?.cancel()
        deliver(nil)
        await interpreter?.value
    }

    /// The parameters of every voice request (restcomm-compat §2.1).
    func webhookParameters() -> [(String, String)] {
        [
            ("CallSid", record.sid.rawValue), ("AccountSid", record.accountSid.rawValue), ("From", record.from),
            ("To", record.to), ("CallStatus", record.status.rawValue), ("ApiVersion", "2010-04-01"),
            ("Direction", record.direction.rawValue), ("CallerName", record.callerName ?? "null"),
            ("ForwardedFrom", record.forwardedFrom ?? "null"),
        ]
    }

    private func fetchAndInterpret(_ target: WebhookTarget, extra: [(String, String)]) async {
        let fetched = await runtime.fetcher.fetch(target, parameters: webhookParameters() + extra, account: record.accountSid, call: record.sid)
        guard !Task.isCancelled else { return }
        guard var document = fetched else { return await applicationError() }
        while !Task.isCancelled {
            let verbs: [RCMLVerb]
            do {
                verbs = try RCMLVerb.program(document.document)
            } catch {
                await runtime.fetcher.notify(
                    code: 12100, message: "Document parse failure: \(error)", url: document.url, account: record.accountSid, call: record.sid)
                return await applicationError()
            }
            guard let next = await run(verbs, documentURL: document.url) else { return }
            document = next
        }
    }

    /// Nothing usable came from the application (the Notifications say why): the caller hears
    /// so, and the call ends.
    private func applicationError() async {
        guard !Task.isCancelled else { return }
        await answer()
        let rate = session.sampleRate
        if let speech = runtime.speech, let samples = try? await speech.speak(Self.applicationErrorText, voice: .woman, language: "en", sampleRate: rate) {
            await playUntilDone(samples, sampleRate: rate, loops: 1)
        }
        endUnlessCancelled()
    }

    static var applicationErrorText: String { "We are sorry, an application error has occurred. Goodbye." }

    /// The end of the call, unless a redirect or hang-up cancelled this interpreter first.
    func endUnlessCancelled(busy: Bool = false) {
        guard !Task.isCancelled else { return }
        end(busy: busy)
    }

    /// Runs verbs until one leads to another document (returned) or the call ends (nil).
    private func run(_ verbs: [RCMLVerb], documentURL: String) async -> RCMLFetcher.Fetched? {
        for (index, verb) in verbs.enumerated() {
            guard !Task.isCancelled, ending == nil else { return nil }
            switch verb {
            case .pause(let seconds):
                // A leading Pause delays answering; later ones are silence on the line.
                guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return nil }
            case .play(let play):
                await answer()
                guard let samples = await samples(of: play, documentURL: documentURL) else { return nil }
                await playUntilDone(samples, loops: play.loop)
            case .say(let say):
                await answer()
                let rate = session.sampleRate
                guard let samples = await speech(say, sampleRate: rate, documentURL: documentURL) else { return nil }
                await playUntilDone(samples, sampleRate: rate, loops: say.loop)
            case .dial(let dial):
                switch await self.dial(dial, documentURL: documentURL) {
                case .proceed: continue
                case .busy:
                    // The document ends here: the caller hears that the line was busy, as from
                    // an exchange, rather than a silent hang-up.
                    if index == verbs.count - 1 { await playUntilDone(ToneGenerator.busy(), loops: 3) }
                case .document(let next): return next
                case .over: return nil
                }
            case .enqueue(let enqueue):
                switch await self.enqueue(enqueue, documentURL: documentURL) {
                case .proceed, .busy: continue
                case .document(let next): return next
                case .over: return nil
                }
            case .leave:
                continue  // outside a queue's wait document there is nothing to leave
            case .record(let record):
                await answer()
                return await self.record(record, documentURL: documentURL)
            case .gather(let gather):
                await answer()
                let input = await self.gather(gather, documentURL: documentURL)
                guard !Task.isCancelled, ending == nil else { return nil }
                if let input {
                    let action = resolve(gather.action ?? documentURL, against: documentURL)
                    return await request(action, method: gather.method, extra: input.parameters)
                }
            case .hangup:
                endUnlessCancelled()
                return nil
            case .reject(let busy):
                endUnlessCancelled(busy: busy)
                return nil
            case .redirect(let url, let method):
                return await request(resolve(url, against: documentURL), method: method, extra: [])
            case .email(let email):
                await self.email(email, documentURL: documentURL)
            case .sms(let sms):
                switch await self.sms(sms, documentURL: documentURL) {
                case .proceed, .busy: continue
                case .document(let next): return next
                case .over: return nil
                }
            }
        }
        endUnlessCancelled()
        return nil
    }

    /// Plays samples (at `sampleRate` Hz) to the end; the first event `stoppedBy` accepts (a
    /// key, the caller speaking) stops it and is returned.
    @discardableResult
    func playUntilDone(_ samples: [Int16], sampleRate: Int = 8000, loops: Int, stoppedBy stops: (MediaEvent) -> Bool = { _ in false }) async -> MediaEvent? {
        inbox.mailbox.removeAll()
        session.play(samples, sampleRate: sampleRate, loops: loops)
        while let event = await nextEvent(timeout: nil, keysOnly: false) {
            if event == .playbackFinished { return nil }
            if stops(event) {
                session.stopPlayback()
                return event
            }
        }
        session.stopPlayback()
        return nil
    }

    /// The samples of a Play verb: DTMF tones for `digits`, else the WAV at its URL. A URL that
    /// gives nothing playable is a Notification and ends the call.
    func samples(of play: RCMLVerb.Play, documentURL: String) async -> [Int16]? {
        if let digits = play.digits { return ToneGenerator.dtmf(digits) }
        let url = resolve(play.url ?? "", against: documentURL)
        do {
            return try await runtime.audio.samples(of: url, account: record.accountSid)
        } catch {
            await runtime.fetcher.notify(code: error.code, message: error.message, url: url, account: record.accountSid, call: record.sid)
            endUnlessCancelled()
            return nil
        }
    }

    /// The speech of a Say verb at `sampleRate` Hz (the session's, so a wideband caller hears
    /// it wideband); a failure (no synthesizer) is a Notification and ends the call.
    func speech(_ say: RCMLVerb.Say, sampleRate: Int, documentURL: String) async -> [Int16]? {
        let limit = await runtime.admission.sayCharacters(for: record.accountSid)
        guard say.text.count <= limit else {
            await runtime.fetcher.notify(
                code: 13520, message: "Say refused: the text has \(say.text.count) characters, more than this account's \(limit)",
                url: documentURL, account: record.accountSid, call: record.sid)
            endUnlessCancelled()
            return nil
        }
        do {
            guard let speech = runtime.speech else { throw SpeechSynthesizer.Failure.unavailable }
            return try await speech.speak(say.text, voice: say.voice, language: say.language, sampleRate: sampleRate)
        } catch {
            await runtime.fetcher.notify(code: 13520, message: "Say failed: \(error)", url: documentURL, account: record.accountSid, call: record.sid)
            endUnlessCancelled()
            return nil
        }
    }

    /// A request for the next document (Gather action, Redirect); a failure is a
    /// Notification (written by the fetcher) and ends the call.
    func request(_ url: String, method: WebhookMethod, extra: [(String, String)]) async -> RCMLFetcher.Fetched? {
        let target = WebhookTarget(url: url, method: method)
        guard let next = await runtime.fetcher.fetch(target, parameters: webhookParameters() + extra, account: record.accountSid, call: record.sid)
        else {
            if !Task.isCancelled { await applicationError() }
            return nil
        }
        return next
    }

    /// A verb's action after the caller hung up (Record, Enqueue): the application still learns
    /// how the verb ended; the request goes out from a task of its own (this interpreter is
    /// cancelled) and its answer is ignored.
    func tellActionAfterHangUp(_ action: String, method: WebhookMethod, extra: [(String, String)]) {
        let parameters = webhookParameters() + extra
        runtime.fetcher.callbackInBackground(action, method: method, parameters: parameters, account: record.accountSid, call: record.sid)
    }

    func resolve(_ url: String, against base: String) -> String {
        RCMLDocument.resolve(url, against: base)
    }

    // MARK: - Events for the running verb

    /// Hands a key or a playback end to the running verb (nil: the leg is over).
    func deliver(_ event: MediaEvent?) {
        if let dialKeys = inbox.dialKeys, case .digit(let key)? = event {
            dialKeys.yield(.key(key))
        } else if let waiter = inbox.waiter {
            inbox.waiter = nil
            waiter.continuation.resume(returning: event)
        } else if let event {
            inbox.mailbox.append(event)
        }
    }

    /// The next key or playback end, or nil after `timeout`, when the leg ends or when the
    /// interpreter is cancelled. With `keysOnly`, playback ends are skipped.
    func nextEvent(timeout: Duration?, keysOnly: Bool) async -> MediaEvent? {
        if let index = inbox.mailbox.firstIndex(where: { !keysOnly || $0 != .playbackFinished }) {
            return inbox.mailbox.remove(at: index)
        }
        inbox.mailbox.removeAll()
        inbox.waiterCount += 1
        let id = inbox.waiterCount
        let event = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                inbox.waiter = (id, continuation)
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
        guard let waiter = inbox.waiter, waiter.id == id else { return }
        inbox.waiter = nil
        waiter.continuation.resume(returning: nil)
    }
}
