import CPocketSphinx
import Foundation
import Media
import Metrics
import Synchronization

/// Speech-to-text for `<Gather input="speech">` through pocketsphinx (CMU Sphinx) and its US
/// English model. A call's speech comes as 20 ms frames at 16 kHz (the model's rate) and is
/// decoded once the utterance has ended, in one pass, normalised by its own cepstral mean as
/// the model's front end asks. With `hints` the phrases the caller may say become a grammar:
/// the result is one of them or nothing (speech outside them is not rejected: it may give the
/// nearest hint). Without, the model's general language model transcribes freely, far less
/// reliably on telephone audio. Decoding is CPU work of tens of milliseconds (a grammar) to a
/// second (free speech), so it runs on background threads of lowered priority, never on a
/// media loop or in Swift's cooperative pool; decoders (each holds the models, about half a
/// second to load) are kept and reused. One recogniser serves a whole server: its threads
/// live as long as the process.
public final class SpeechRecognizer: Sendable {
    /// What the caller said.
    public struct Transcript: Sendable, Equatable {
        public var text: String
        /// The decoder's posterior probability of the sentence (0...1); nil under a grammar of
        /// hints, where pocketsphinx computes none.
        public var confidence: Double?
    }

    /// The rate frames must come at.
    public static let sampleRate = MediaSession.speechSampleRate
    /// RCML languages the model understands (US English; British English is near enough).
    public static let languages: Set<String> = ["en", "en-us", "en-gb"]

    private let model: URL
    private let threads: BackgroundThreads
    private let idle = Mutex<[SphinxDecoder]>([])

    /// Nil when the model is not installed (Debian's `pocketsphinx-en-us`).
    public init?(modelDirectory: String = "/usr/share/pocketsphinx/model/en-us") {
        let model = URL(fileURLWithPath: modelDirectory)
        let needed = ["en-us/mdef", "en-us.lm.bin", "cmudict-en-us.dict"]
        guard needed.allSatisfy({ FileManager.default.fileExists(atPath: model.appendingPathComponent($0).path) }) else { return nil }
        self.model = model
        // One fewer than the cores, so decoding always leaves a core to the media loops.
        threads = BackgroundThreads(count: ProcessInfo.processInfo.activeProcessorCount - 1, name: "parley.pocketsphinx")
    }

    public static func supports(language: String) -> Bool {
        languages.contains(language.lowercased())
    }

    /// Loads one decoder ahead of the first Gather, so the first caller does not wait for it.
    public func warmUp() async {
        await onBackgroundThread { decoder in _ = decoder }
    }

    /// Collects the frames until the stream ends, then decodes them; nil when nothing was
    /// recognised.
    public func transcribe(_ frames: AsyncStream<[Int16]>, hints: [String]) async -> Transcript? {
        var samples: [Int16] = []
        for await frame in frames { samples.append(contentsOf: frame) }
        guard !samples.isEmpty, !Task.isCancelled else { return nil }
        let utterance = samples
        // From the end of the caller's speech to the transcript.
        let started = ContinuousClock.now
        defer { Timer(label: "parley_speech_recognition_duration_seconds").record(duration: .now - started) }
        return await onBackgroundThread { decoder in decoder.decode(utterance, hints: hints) }
    }

    /// Runs `work` on a background thread with a decoder of its own, made when none is idle.
    private func onBackgroundThread<Value: Sendable>(_ work: @escaping @Sendable (SphinxDecoder) -> Value?) async -> Value? {
        await withCheckedContinuation { continuation in
            threads.run { [self] in
                guard let decoder = idle.withLock({ $0.popLast() }) ?? SphinxDecoder(model: model) else {
                    continuation.resume(returning: nil)
                    return
                }
                let result = work(decoder)
                idle.withLock { $0.append(decoder) }
                continuation.resume(returning: result)
            }
        }
    }
}

/// One pocketsphinx decoder with its models loaded. Not thread-safe in itself: it is
/// `Sendable` because `SpeechRecognizer` hands each decoder to one recognition at a time
/// (taken out of its idle list under a lock, put back when the recognition is done).
final class SphinxDecoder: @unchecked Sendable {
    private let decoder: OpaquePointer
    /// The grammar the "hints" search holds, so the same hints are not compiled again.
    private var grammar: String?

    init?(model: URL) {
        let arguments = [
            "-hmm", model.appendingPathComponent("en-us").path,
            "-lm", model.appendingPathComponent("en-us.lm.bin").path,
            "-dict", model.appendingPathComponent("cmudict-en-us.dict").path,
            // Its spectral noise subtraction learns the noise from the utterance's first frames
            // and, on clean or digitally silent lead-ins, eats the speech (single words went
            // unrecognised); telephone audio is band-limited and compressed before it comes here.
            "-remove_noise", "no",
            // Telephone audio converted up to 16 kHz leaves the model's bands above 4 kHz empty,
            // and the log of nearly nothing swings with where the analysis frames fall: a
            // little noise there (seeded, so a result depends on the audio alone) and wider
            // beams, cheap with a grammar of a few phrases, make results steadier (48 of 50
            // shifted utterances recognised against 42).
            "-dither", "yes", "-seed", "1",
            "-beam", "1e-80", "-pbeam", "1e-80", "-wbeam", "1e-60",
            "-logfn", "/dev/null",
        ]
        var pointers = arguments.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        let made = pointers.withUnsafeMutableBufferPointer { argv in
            cmd_ln_parse_r(nil, ps_args(), Int32(argv.count), argv.baseAddress, 1).flatMap { config in
                defer { cmd_ln_free_r(config) }
                return ps_init(config)
            }
        }
        guard let made else { return nil }
        decoder = made
    }

    deinit {
        ps_free(decoder)
    }

    func decode(_ samples: [Int16], hints: [String]) -> SpeechRecognizer.Transcript? {
        let phrases = hints.compactMap(knownPhrase)
        if phrases.isEmpty {
            ps_set_search(decoder, "_default")
        } else {
            let jsgf = "#JSGF V1.0; grammar hints; public <hint> = " + phrases.joined(separator: " | ") + ";"
            if jsgf != grammar {
                guard ps_set_jsgf_string(decoder, "hints", jsgf) == 0 else { return nil }
                grammar = jsgf
            }
            ps_set_search(decoder, "hints")
        }
        guard ps_start_utt(decoder) == 0 else { return nil }
        _ = samples.withUnsafeBufferPointer { ps_process_raw(decoder, $0.baseAddress, $0.count, 0, 1) }
        ps_end_utt(decoder)
        var score: Int32 = 0
        guard let hypothesis = ps_get_hyp(decoder, &score) else { return nil }
        let text = String(cString: hypothesis).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        let confidence = phrases.isEmpty ? logmath_exp(ps_get_logmath(decoder), ps_get_prob(decoder)) : nil
        return SpeechRecognizer.Transcript(text: text, confidence: confidence)
    }

    /// A hint as the grammar's alternative: lower case, words of letters and apostrophes only,
    /// each in the dictionary; nil when any is not (the grammar could not be compiled).
    private func knownPhrase(_ hint: String) -> String? {
        let words = hint.lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty else { return nil }
        for word in words {
            guard word.allSatisfy({ $0.isLetter || $0 == "'" }), let phones = ps_lookup_word(decoder, word) else { return nil }
            free(phones)
        }
        return words.joined(separator: " ")
    }
}
