import Foundation
import Media
import Testing

@testable import Speech

/// pocketsphinx hears espeak-ng: words spoken by the synthesizer at 8 kHz (telephone audio),
/// converted to 16 kHz, in 20 ms frames, as a call hands them over.
@Suite("Speech recognition")
struct SpeechRecognizerTests {
    static let synthesizer = try? SpeechSynthesizer()
    static let recognizer = SpeechRecognizer()
    static let menu = ["sales", "support", "billing", "talk to an agent", "check my balance"]

    func frames(saying text: String) async throws -> AsyncStream<[Int16]> {
        let synthesizer = try #require(Self.synthesizer)
        let narrow = try await synthesizer.speak(text)
        let silence = [Int16](repeating: 0, count: 2400)
        let wide = Resampler.convert(silence + narrow + silence, from: 8000, to: SpeechRecognizer.sampleRate)
        return AsyncStream { continuation in
            for start in stride(from: 0, to: wide.count, by: 320) { continuation.yield(Array(wide[start..<min(start + 320, wide.count)])) }
            continuation.finish()
        }
    }

    @Test("with hints, each menu choice is recognised as itself", arguments: menu)
    func hintedChoices(choice: String) async throws {
        let recognizer = try #require(Self.recognizer, "pocketsphinx-en-us is not installed")
        let heard = await recognizer.transcribe(try await frames(saying: choice), hints: Self.menu)
        #expect(heard?.text == choice)
        #expect(heard?.confidence == nil)
    }

    @Test("words outside the hints give nothing; hints with words outside the dictionary are left out")
    func outsideHints() async throws {
        let recognizer = try #require(Self.recognizer, "pocketsphinx-en-us is not installed")
        #expect(await recognizer.transcribe(try await frames(saying: "hello"), hints: Self.menu) == nil)
        let heard = await recognizer.transcribe(try await frames(saying: "billing"), hints: ["billing", "zzqxv", "support"])
        #expect(heard?.text == "billing")
    }

    @Test("silence gives nothing; free speech (no hints) comes with a confidence between 0 and 1")
    func silenceAndFreeSpeech() async throws {
        let recognizer = try #require(Self.recognizer, "pocketsphinx-en-us is not installed")
        let quiet = AsyncStream<[Int16]> { continuation in
            for _ in 0..<50 { continuation.yield([Int16](repeating: 0, count: 320)) }
            continuation.finish()
        }
        #expect(await recognizer.transcribe(quiet, hints: Self.menu) == nil)
        let free = try #require(await recognizer.transcribe(try await frames(saying: "check my balance"), hints: []))
        #expect(!free.text.isEmpty)
        let confidence = try #require(free.confidence)
        #expect(confidence > 0 && confidence <= 1)
    }
}
