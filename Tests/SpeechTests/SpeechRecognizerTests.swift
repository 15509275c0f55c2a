import Foundation
import Media
import Testing

@testable import Speech

/// pocketsphinx hears words said by espeak-ng, band-limited to 8 kHz as on a phone line
/// (Fixtures/speech, written by make_words.py), converted to 16 kHz and handed over in 20 ms
/// frames as a call hands them.
@Suite("Speech recognition", .serialized)
struct SpeechRecognizerTests {
    static let recognizer = SpeechRecognizer()
    static let menu = ["sales", "support", "billing", "talk to an agent", "check my balance"]
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/speech")

    /// The phrase's audio at 16 kHz between 300 ms of line quiet, `shift` samples later.
    func frames(saying text: String, shift: Int = 0) throws -> AsyncStream<[Int16]> {
        let file = Self.fixtures.appendingPathComponent(text.replacingOccurrences(of: " ", with: "-") + ".wav")
        let words = try WAVAudio(data: Data(contentsOf: file))
        #expect(words.format.sampleRate == 8000)
        // A phone line's quiet: A-law's smallest steps, not digital zero.
        let silence = (0..<2400).map { Int16($0 % 3 == 0 ? 8 : -8) }
        let wide = [Int16](repeating: 0, count: shift) + Resampler.convert(silence + words.samples + silence, from: 8000, to: SpeechRecognizer.sampleRate)
        return AsyncStream { continuation in
            for start in stride(from: 0, to: wide.count, by: 320) { continuation.yield(Array(wide[start..<min(start + 320, wide.count)])) }
            continuation.finish()
        }
    }

    @Test("with hints, each menu choice is recognised as itself", arguments: menu)
    func hintedChoices(choice: String) async throws {
        let recognizer = try #require(Self.recognizer, "pocketsphinx-en-us is not installed")
        let heard = await recognizer.transcribe(try frames(saying: choice), hints: Self.menu)
        #expect(heard?.text == choice)
        #expect(heard?.confidence == nil)
    }

    @Test("results hold wherever the analysis frames fall: at least 22 of 25 shifted utterances are recognised")
    func alignment() async throws {
        let recognizer = try #require(Self.recognizer, "pocketsphinx-en-us is not installed")
        var recognised = 0
        for choice in Self.menu {
            for shift in stride(from: 0, to: 160, by: 32) {
                if await recognizer.transcribe(try frames(saying: choice, shift: shift), hints: Self.menu)?.text == choice { recognised += 1 }
            }
        }
        #expect(recognised >= 22)
    }

    @Test("hints with words outside the dictionary are left out; with none left, speech is transcribed freely")
    func unknownWords() async throws {
        let recognizer = try #require(Self.recognizer, "pocketsphinx-en-us is not installed")
        let heard = await recognizer.transcribe(try frames(saying: "billing"), hints: ["billing", "zzqxv", "support"])
        #expect(heard?.text == "billing" && heard?.confidence == nil)
        let free = await recognizer.transcribe(try frames(saying: "billing"), hints: ["zzqxv"])
        #expect(free?.confidence != nil)
    }

    @Test("no audio gives nothing; free speech (no hints) comes with a confidence between 0 and 1")
    func silenceAndFreeSpeech() async throws {
        let recognizer = try #require(Self.recognizer, "pocketsphinx-en-us is not installed")
        let nothing = AsyncStream<[Int16]> { $0.finish() }
        #expect(await recognizer.transcribe(nothing, hints: Self.menu) == nil)
        let free = try #require(await recognizer.transcribe(try frames(saying: "check my balance"), hints: []))
        #expect(!free.text.isEmpty)
        let confidence = try #require(free.confidence)
        #expect(confidence > 0 && confidence <= 1)
    }
}
