import Foundation
import Testing

@testable import Media

/// A generated equivalent of the Mitel CM7291 test tape (dtmf-requirements.md): every key,
/// then sweeps of frequency offset, twist, level, duration and pause, noise and talk-off,
/// each case played at several alignments against the detector's blocks and also through
/// G.711 μ-law and A-law. The table it prints is the one in docs/media.md.
@Suite("In-band DTMF detection")
struct DTMFDetectorTests {
    /// Amplitude of a sine at `dBm0` (G.711: full scale is +3.14 dBm0).
    static func amplitude(_ dBm0: Double) -> Double { 32767 * pow(10, (dBm0 - 3.14) / 20) }

    struct Tone {
        var key: Character
        var milliseconds = 50
        var pause = 50
        var lowOffset = 0.0
        var highOffset = 0.0
        var lowLevel = -10.0
        var highLevel = -10.0
    }

    /// A deterministic generator for noise and phases.
    struct Noise: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        /// Gaussian by Box–Muller.
        mutating func gaussian() -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
            let v = Double.random(in: 0..<1, using: &self)
            return sqrt(-2 * log(u)) * cos(2 * .pi * v)
        }
    }

    static func signal(_ tones: [Tone], lead: Int, snr: Double? = nil, seed: UInt64 = 1) -> [Int16] {
        var random = Noise(state: seed)
        var samples = [Double](repeating: 0, count: lead)
        var signalPower = 0.0
        for tone in tones {
            guard let (low, high) = ToneGenerator.frequencies(of: tone.key) else { continue }
            let lowFrequency = low * (1 + tone.lowOffset / 100)
            let highFrequency = high * (1 + tone.highOffset / 100)
            let (a, b) = (amplitude(tone.lowLevel), amplitude(tone.highLevel))
            let (phaseA, phaseB) = (Double.random(in: 0..<(2 * .pi), using: &random), Double.random(in: 0..<(2 * .pi), using: &random))
            for index in 0..<(tone.milliseconds * 8) {
                let time = Double(index) / 8000
                samples.append(a * sin(2 * .pi * lowFrequency * time + phaseA) + b * sin(2 * .pi * highFrequency * time + phaseB))
            }
            signalPower = (a * a + b * b) / 2
            samples += [Double](repeating: 0, count: tone.pause * 8)
        }
        if let snr {
            let deviation = sqrt(signalPower / pow(10, snr / 10))
            samples = samples.map { $0 + deviation * random.gaussian() }
        }
        return samples.map { Int16(max(-32768, min(32767, $0.rounded()))) }
    }

    enum Law: CaseIterable { case linear, ulaw, alaw }

    static func through(_ law: Law, _ samples: [Int16]) -> [Int16] {
        switch law {
        case .linear: samples
        case .ulaw: samples.map { G711.ulawToLinear[Int(G711.encodeULaw($0))] }
        case .alaw: samples.map { G711.alawToLinear[Int(G711.encodeALaw($0))] }
        }
    }

    static func detect(_ samples: [Int16]) -> String {
        var detector = DTMFDetector()
        var keys = ""
        detector.process(samples) { keys.append($0) }
        return keys
    }

    /// Runs `tones` at 6 alignments and 3 laws; gives how many of the 18 runs gave `expected`.
    static func score(_ tones: [Tone], expected: String, snr: Double? = nil) -> (passed: Int, runs: Int, sample: String) {
        var passed = 0
        var runs = 0
        var sample = ""
        for (index, lead) in [0, 17, 34, 51, 68, 85].enumerated() {
            for law in Law.allCases {
                let got = detect(through(law, signal(tones, lead: lead, snr: snr, seed: UInt64(index + 1))))
                if got == expected { passed += 1 } else { sample = got }
                runs += 1
            }
        }
        return (passed, runs, sample)
    }

    static let allKeys: [Character] = Array("123A456B789C*0#D")

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let tones: @Sendable () -> [Tone]
        let detected: Bool
        var snr: Double?
        var testDescription: String { name }

        func expected() -> String { detected ? String(tones().map(\.key)) : "" }
    }

    static let cases: [Case] = {
        var cases: [Case] = [
            Case(name: "each key, 50 ms on / 50 ms off, -10 dBm0", tones: { allKeys.map { Tone(key: $0) } }, detected: true),
            Case(name: "10 digits per second, same key repeated", tones: { Array(repeating: Tone(key: "5"), count: 10) }, detected: true),
            Case(name: "40 ms tones, 40 ms pauses", tones: { allKeys.map { Tone(key: $0, milliseconds: 40, pause: 40) } }, detected: true),
            Case(name: "23 ms tones", tones: { allKeys.map { Tone(key: $0, milliseconds: 23, pause: 60) } }, detected: false),
            Case(name: "20 ms tones", tones: { allKeys.map { Tone(key: $0, milliseconds: 20, pause: 60) } }, detected: false),
            Case(name: "level -3 dBm0 per tone", tones: { allKeys.map { Tone(key: $0, lowLevel: -3, highLevel: -3) } }, detected: true),
            Case(name: "level -26 dBm0 per tone", tones: { allKeys.map { Tone(key: $0, lowLevel: -26, highLevel: -26) } }, detected: true),
            Case(name: "level -36 dBm0 per tone", tones: { allKeys.map { Tone(key: $0, lowLevel: -36, highLevel: -36) } }, detected: false),
            Case(name: "normal twist 8 dB (high tone lower)", tones: { allKeys.map { Tone(key: $0, lowLevel: -6, highLevel: -14) } }, detected: true),
            Case(name: "reverse twist 4 dB (high tone higher)", tones: { allKeys.map { Tone(key: $0, lowLevel: -12, highLevel: -8) } }, detected: true),
            Case(name: "normal twist 12 dB", tones: { allKeys.map { Tone(key: $0, lowLevel: -4, highLevel: -16) } }, detected: false),
            Case(name: "reverse twist 8 dB", tones: { allKeys.map { Tone(key: $0, lowLevel: -16, highLevel: -8) } }, detected: false),
            Case(name: "white noise, 15 dB SNR", tones: { allKeys.map { Tone(key: $0) } }, detected: true, snr: 15),
        ]
        for offset in [-1.5, 1.5] {
            cases.append(Case(name: "low tone \(offset > 0 ? "+" : "")\(offset)%", tones: { allKeys.map { Tone(key: $0, lowOffset: offset) } }, detected: true))
            cases.append(Case(name: "high tone \(offset > 0 ? "+" : "")\(offset)%", tones: { allKeys.map { Tone(key: $0, highOffset: offset) } }, detected: true))
        }
        for offset in [-3.5, 3.5] {
            cases.append(Case(name: "low tone \(offset > 0 ? "+" : "")\(offset)%", tones: { allKeys.map { Tone(key: $0, lowOffset: offset) } }, detected: false))
            cases.append(Case(name: "high tone \(offset > 0 ? "+" : "")\(offset)%", tones: { allKeys.map { Tone(key: $0, highOffset: offset) } }, detected: false))
        }
        return cases
    }()

    @Test("the generated Mitel-style set: every detect case found, every reject case silent", arguments: cases)
    func mitelCase(_ testCase: Case) {
        let result = Self.score(testCase.tones(), expected: testCase.expected(), snr: testCase.snr)
        print("| \(testCase.name) | \(testCase.detected ? "detect" : "reject") | \(result.passed)/\(result.runs) |")
        #expect(result.passed == result.runs, "\(testCase.name): got \"\(result.sample)\"")
    }

    @Test("no key on music: chords of notes with their harmonics")
    func talkOffMusic() {
        var samples: [Int16] = []
        // A few seconds of chords: each note with 4 harmonics, 250 ms each.
        let notes: [Double] = [261.6, 293.7, 329.6, 349.2, 392.0, 440.0, 493.9, 523.3, 587.3, 659.3, 698.5, 784.0]
        for step in 0..<48 {
            let chord = [notes[step % 12], notes[(step + 4) % 12], notes[(step + 7) % 12]]
            for index in 0..<2000 {
                let time = Double(index) / 8000
                var value = 0.0
                for note in chord {
                    for harmonic in 1...4 { value += 3000 / Double(harmonic) * sin(2 * .pi * note * Double(harmonic) * time) }
                }
                samples.append(Int16(max(-32768, min(32767, value))))
            }
        }
        #expect(Self.detect(samples) == "")
    }
}
