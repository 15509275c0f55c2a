import CEspeakNG
import Dispatch
import Foundation
import Media
import Metrics
import Synchronization

/// Text-to-speech through espeak-ng's C library, giving 8 kHz samples for `<Say>` (16 kHz for a
/// wideband call, whose callers then hear the consonants a narrow band loses). espeak-ng
/// keeps global state, so every synthesis runs on one serial queue of its own, never on a
/// media loop; results are kept by text, voice, language and rate, so a repeated prompt costs
/// nothing.
public final class SpeechSynthesizer: Sendable {
    public enum Voice: String, Sendable {
        case man, woman
    }

    /// RCML languages → espeak-ng voices (the nearest one where espeak-ng has no Belgian
    /// variant: Flemish is spoken with the Dutch voice).
    public static let voices: [String: String] = [
        "en": "en-us", "en-us": "en-us", "en-gb": "en", "fr": "fr", "fr-fr": "fr", "fr-be": "fr-be",
        "nl": "nl", "nl-nl": "nl", "nl-be": "nl", "de": "de", "de-de": "de", "de-be": "de",
    ]

    /// espeak-ng's state is the process's, not an instance's: every synthesizer uses this one queue.
    private static let queue = DispatchQueue(label: "parley.espeak")
    private let cache = Mutex<[String: [Int16]]>([:])
    private let capacity: Int
    /// espeak-ng's output rate, known once it is initialised (on the queue).
    private let sampleRate: Int

    public enum Failure: Error, Equatable {
        case unavailable
        case unknownLanguage(String)
    }

    public init(capacity: Int = 512) throws(Failure) {
        let rate = Self.queue.sync { espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, 0) }
        guard rate > 0 else { throw .unavailable }
        sampleRate = Int(rate)
        self.capacity = capacity
        Self.queue.sync { espeak_SetSynthCallback(collectSamples) }
    }

    /// The espeak-ng voice of an RCML language, if Parley speaks it.
    public static func voiceName(language: String, voice: Voice) -> String? {
        guard let name = voices[language.lowercased()] else { return nil }
        return voice == .woman ? name + "+f3" : name
    }

    /// `text` spoken at `sampleRate` Hz (8 or 16 kHz).
    public func speak(_ text: String, voice: Voice = .man, language: String = "en", sampleRate outputRate: Int = 8000) async throws(Failure) -> [Int16] {
        guard let name = Self.voiceName(language: language, voice: voice) else { throw .unknownLanguage(language) }
        let key = "\(name)|\(outputRate)|\(text)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let started = ContinuousClock.now
        defer { Timer(label: "parley_tts_duration_seconds").record(duration: .now - started) }
        let rate = sampleRate
        let samples = await withCheckedContinuation { continuation in
            Self.queue.async {
                let sink = SampleSink()
                espeak_SetVoiceByName(name)
                let unmanaged = Unmanaged.passRetained(sink)
                _ = text.withCString { pointer in
                    espeak_Synth(pointer, strlen(pointer) + 1, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, unmanaged.toOpaque())
                }
                unmanaged.release()
                let converted = Resampler.convert(sink.samples, from: rate, to: outputRate)
                continuation.resume(returning: Self.trimmingLeadingSilence(converted, sampleRate: outputRate))
            }
        }
        cache.withLock { cache in
            if cache.count >= capacity { cache.removeAll() }
            cache[key] = samples
        }
        return samples
    }
}

extension SpeechSynthesizer {
    /// espeak-ng starts each utterance with tens of milliseconds of silence: dropped, keeping
    /// 5 ms before the first sound, so speech starts as soon as the verb does.
    static func trimmingLeadingSilence(_ samples: [Int16], sampleRate: Int) -> [Int16] {
        guard let first = samples.firstIndex(where: { abs(Int($0)) > 64 }) else { return samples }
        return Array(samples[max(0, first - sampleRate / 200)...])
    }
}

/// Where espeak-ng's callback puts the samples of one synthesis (used on the synthesis queue
/// only).
private final class SampleSink {
    var samples: [Int16] = []
}

/// espeak-ng's synthesis callback: appends each chunk to the sink passed as user data.
private let collectSamples: @convention(c) (UnsafeMutablePointer<Int16>?, Int32, UnsafeMutablePointer<espeak_EVENT>?) -> Int32 = {
    wave, count, events in
    guard let events, let user = events.pointee.user_data else { return 0 }
    let sink = Unmanaged<SampleSink>.fromOpaque(user).takeUnretainedValue()
    if let wave, count > 0 { sink.samples.append(contentsOf: UnsafeBufferPointer(start: wave, count: Int(count))) }
    return 0
}
