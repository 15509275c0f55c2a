import Foundation
import Media
import Speech

/// The Gather verb: its prompts play until the caller presses a key or (with
/// `input="speech"`) starts speaking; then keys are read until `numDigits`, the finish key or
/// `timeout` seconds without one, or the caller's utterance is heard to its end and handed to
/// the speech recogniser. The action gets `Digits`, or `SpeechResult` (with `Confidence` when
/// the recogniser gives one); with no input the next verb runs.
extension RCMLLeg {
    func gather(_ gather: RCMLVerb.Gather, documentURL: String) async -> GatheredInput? {
        let utterance = await listen(for: gather.speech, documentURL: documentURL)
        defer { if utterance != nil { session.stopListening() } }
        var digits = ""
        var spoke = false
        let interrupts: @Sendable (MediaEvent) -> Bool = { [dtmf = gather.dtmf, speech = utterance != nil] event in
            switch event {
            case .digit: dtmf
            case .speechStarted: speech
            default: false
            }
        }
        func take(_ event: MediaEvent?) {
            switch event {
            case .digit(let key)? where gather.dtmf && !spoke: digits.append(key)
            case .speechStarted? where utterance != nil && digits.isEmpty: spoke = true
            default: break
            }
        }
        inbox.mailbox.removeAll { $0 == .playbackFinished }
        for prompt in gather.prompts {
            guard digits.isEmpty, !spoke, !Task.isCancelled else { break }
            switch prompt {
            case .play(let play):
                guard let samples = await samples(of: play, documentURL: documentURL) else { return nil }
                take(await playUntilDone(samples, loops: play.loop, stoppedBy: interrupts))
            case .say(let say):
                let rate = session.sampleRate
                guard let samples = await speech(say, sampleRate: rate, documentURL: documentURL) else { return nil }
                take(await playUntilDone(samples, sampleRate: rate, loops: say.loop, stoppedBy: interrupts))
            case .pause(let seconds):
                let deadline = ContinuousClock.now + .seconds(seconds)
                while digits.isEmpty, !spoke, ContinuousClock.now < deadline, let event = await nextEvent(timeout: deadline - .now, keysOnly: true) {
                    take(event)
                }
            default:
                continue
            }
        }
        while !Task.isCancelled, !spoke {
            if let last = digits.last, last == gather.finishOnKey {
                digits.removeLast()
                break
            }
            if let limit = gather.numDigits, digits.count >= limit { break }
            guard let event = await nextEvent(timeout: .seconds(gather.timeout), keysOnly: true) else { break }
            take(event)
        }
        guard spoke, let utterance else {
            utterance?.cancel()
            return digits.isEmpty ? nil : .digits(digits)
        }
        let transcript = await withTaskCancellationHandler { await utterance.value } onCancel: { utterance.cancel() }
        return transcript.map { .speech($0) }
    }

    /// Starts handing the caller's speech to the recogniser, for a Gather that takes speech.
    /// Without a recogniser, or in a language it does not know, a warning Notification says so
    /// and the Gather goes on without speech (keys only, if it takes them).
    private func listen(for speech: RCMLVerb.SpeechInput?, documentURL: String) async -> Task<SpeechRecognizer.Transcript?, Never>? {
        guard let speech else { return nil }
        guard let recognizer = runtime.recognizer, SpeechRecognizer.supports(language: speech.language) else {
            let reason = runtime.recognizer == nil ? "no speech recogniser is installed" : "speech in \(speech.language) is not recognised (en-US and en-GB are)"
            await runtime.fetcher.notify(
                code: 13331, message: "Gather: \(reason); it goes on without speech", url: documentURL, account: record.accountSid, call: record.sid,
                level: .warning)
            return nil
        }
        let frames = session.listenForSpeech(endSilence: .seconds(speech.endSilence), maxLength: .seconds(speech.maxLength))
        return Task { await recognizer.transcribe(frames, hints: speech.hints) }
    }
}

/// What a Gather took, as its action's parameters.
enum GatheredInput {
    case digits(String)
    case speech(SpeechRecognizer.Transcript)

    var parameters: [(String, String)] {
        switch self {
        case .digits(let digits):
            return [("Digits", digits)]
        case .speech(let transcript):
            return [("SpeechResult", transcript.text)] + (transcript.confidence.map { [("Confidence", String(format: "%.4f", $0))] } ?? [])
        }
    }
}
