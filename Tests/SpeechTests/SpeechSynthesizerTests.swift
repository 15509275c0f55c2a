import Foundation
import Media
import Testing

@testable import Speech

@Suite("Speech synthesis")
struct SpeechSynthesizerTests {
    static let synthesizer = try? SpeechSynthesizer()

    func energy(_ samples: [Int16]) -> Double {
        samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, samples.count))
    }

    @Test("English, French, Dutch and German (and their Belgian variants) speak at 8 kHz", arguments: [
        ("en", "Welcome to Parley"), ("en-gb", "Welcome to Parley"), ("fr", "Bienvenue chez Parley"),
        ("fr-BE", "Bienvenue chez Parley"), ("nl", "Welkom bij Parley"), ("nl-be", "Welkom bij Parley"),
        ("de", "Willkommen bei Parley"),
    ])
    func languages(language: String, text: String) async throws {
        let synthesizer = try #require(Self.synthesizer)
        let samples = try await synthesizer.speak(text, language: language)
        let seconds = Double(samples.count) / 8000
        #expect(seconds > 0.5 && seconds < 5, "\(language): \(seconds) s")
        #expect(energy(samples) > 100_000, "\(language) is nearly silent")
    }

    @Test("a woman's voice differs from a man's; a phrase said again comes from the cache")
    func voicesAndCache() async throws {
        let synthesizer = try #require(Self.synthesizer)
        let man = try await synthesizer.speak("Press one for sales", voice: .man)
        let woman = try await synthesizer.speak("Press one for sales", voice: .woman)
        #expect(man != woman)
        let started = ContinuousClock.now
        let again = try await synthesizer.speak("Press one for sales", voice: .man)
        #expect(again == man)
        #expect(ContinuousClock.now - started < .milliseconds(5))
    }

    @Test("talk-off: in-band DTMF detection finds no key in speech, man or woman, in four languages")
    func talkOff() async throws {
        let synthesizer = try #require(Self.synthesizer)
        let texts = [
            ("en", "Thank you for calling. Please hold while we connect you to the next available agent. Your call is important to us."),
            ("fr", "Merci de votre appel. Veuillez patienter, un conseiller va vous répondre dans quelques instants."),
            ("nl", "Bedankt voor uw oproep. Een ogenblik geduld, u wordt zo dadelijk doorverbonden met een medewerker."),
            ("de", "Vielen Dank für Ihren Anruf. Bitte haben Sie einen Moment Geduld, wir verbinden Sie gleich."),
        ]
        var detector = DTMFDetector()
        var keys = ""
        var seconds = 0.0
        for (language, text) in texts {
            for voice in [SpeechSynthesizer.Voice.man, .woman] {
                let samples = try await synthesizer.speak(text, voice: voice, language: language)
                seconds += Double(samples.count) / 8000
                detector.process(samples) { keys.append($0) }
            }
        }
        #expect(seconds > 30)
        #expect(keys == "", "talk-off after \(seconds) s of speech")
    }

    @Test("at 16 kHz speech keeps the band above 4.5 kHz (the s of six and seven) that 8 kHz loses")
    func wideband() async throws {
        let synthesizer = try #require(Self.synthesizer)
        let wide = try await synthesizer.speak("six, seven", sampleRate: 16000)
        let narrow = try await synthesizer.speak("six, seven", sampleRate: 8000)
        let (wideSeconds, narrowSeconds) = (Double(wide.count) / 16000, Double(narrow.count) / 8000)
        // The same speech: only the leading trim differs, the narrow one starting later, where
        // its faint s first rises above the threshold.
        #expect(wideSeconds - narrowSeconds >= 0 && wideSeconds - narrowSeconds < 0.1, "\(wideSeconds) s against \(narrowSeconds) s")
        let narrowHeardWide = Resampler.convert(narrow, from: 8000, to: 16000)
        let (wideShare, narrowShare) = (highBandShare(wide, rate: 16000), highBandShare(narrowHeardWide, rate: 16000))
        #expect(wideShare > 0.02, "\(wideShare)")
        #expect(narrowShare < 0.0001, "\(narrowShare)")
    }

    /// The share of the energy above 4.5 kHz (clear of the band edge), from a DFT of every
    /// fourth 256-sample frame under a Hann window (so strong low tones do not leak upwards);
    /// cheap enough not to slow the tests that run beside this one.
    func highBandShare(_ samples: [Int16], rate: Int) -> Double {
        let size = 256
        let angles = (0..<size).map { 2 * Double.pi * Double($0) / Double(size) }
        let (cosines, sines) = (angles.map(cos), angles.map(sin))
        let window = angles.map { 0.5 - 0.5 * cos($0) }
        var (high, total) = (0.0, 0.0)
        for start in stride(from: 0, to: samples.count - size, by: 4 * size) {
            for bin in 1..<(size / 2) {
                var (re, im) = (0.0, 0.0)
                for n in 0..<size {
                    let sample = Double(samples[start + n]) * window[n]
                    re += sample * cosines[(bin * n) % size]
                    im -= sample * sines[(bin * n) % size]
                }
                let power = re * re + im * im
                total += power
                if bin * rate / size >= 4500 { high += power }
            }
        }
        return high / max(total, 1)
    }

    @Test("a language Parley does not speak is refused by name")
    func unknownLanguage() async throws {
        let synthesizer = try #require(Self.synthesizer)
        await #expect(throws: SpeechSynthesizer.Failure.unknownLanguage("tlh")) { try await synthesizer.speak("Qapla", language: "tlh") }
    }

    @Test("resampling keeps a tone's frequency and the length in proportion")
    func resampling() {
        let tone = (0..<22050).map { Int16(10000 * sin(2 * .pi * 440 * Double($0) / 22050)) }
        let converted = Resampler.convert(tone, from: 22050, to: 8000)
        #expect(abs(converted.count - 8000) < 100)
        // Zero crossings per second stay at 880 (2 per period).
        let crossings = zip(converted, converted.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
        #expect(abs(crossings - 880) < 20, "\(crossings) crossings")
    }
}
