import Foundation
import Testing

@testable import Media

@Suite("G.711")
struct G711Tests {
    @Test("every μ-law and A-law code survives decode then encode")
    func roundTrip() {
        for code in 0...255 {
            let ulaw = G711.ulawToLinear[code]
            #expect(G711.ulawToLinear[Int(G711.encodeULaw(ulaw))] == ulaw)
            let alaw = G711.alawToLinear[code]
            #expect(G711.encodeALaw(alaw) == UInt8(code), "A-law \(code)")
        }
    }

    @Test("reference points of the ITU tables: silence, extremes, sign")
    func referencePoints() {
        #expect(G711.encodeULaw(0) == 0xFF)
        #expect(G711.encodeALaw(0) == 0xD5)
        #expect(G711.ulawToLinear[0x00] == -32124 && G711.ulawToLinear[0x80] == 32124)
        #expect(G711.alawToLinear[0x2A] == -32256 && G711.alawToLinear[0xAA] == 32256)
        #expect(G711.encodeULaw(.max) == 0x80 && G711.encodeULaw(.min) == 0x00)
        #expect(G711.encodeALaw(.max) == 0xAA && G711.encodeALaw(.min) == 0x2A)
    }

    @Test("quantisation error stays within the segment's step", arguments: [G711.encodeULaw, G711.encodeALaw] as [@Sendable (Int16) -> UInt8])
    func errorBound(encode: @Sendable (Int16) -> UInt8) {
        let table = encode(0) == 0xFF ? G711.ulawToLinear : G711.alawToLinear
        for sample in stride(from: -32000, through: 32000, by: 7) {
            let decoded = Int(table[Int(encode(Int16(sample)))])
            // The step doubles per segment: at most 1/16 of the magnitude plus the smallest step.
            #expect(abs(decoded - sample) <= abs(sample) / 16 + 16, "sample \(sample) came back as \(decoded)")
        }
    }
}

@Suite("DTMF tones")
struct ToneGeneratorTests {
    /// The energy of `samples` at `frequency` (Goertzel), relative to the signal's.
    func share(of frequency: Double, in samples: ArraySlice<Int16>) -> Double {
        let coefficient = 2 * cos(2 * .pi * frequency / 8000)
        var (previous, beforePrevious) = (0.0, 0.0)
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            (beforePrevious, previous) = (previous, current)
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        let total = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return power / (total * Double(samples.count) / 2)
    }

    @Test("each key is its Q.23 pair of frequencies for 100 ms, then 100 ms of silence; w is half a second")
    func keys() {
        let samples = ToneGenerator.dtmf("5w#")
        #expect(samples.count == 1600 + 4000 + 1600)
        let five = samples[0..<800]
        #expect(share(of: 770, in: five) > 0.4 && share(of: 1336, in: five) > 0.4)
        #expect(share(of: 697, in: five) < 0.05 && share(of: 1209, in: five) < 0.05)
        #expect(samples[800..<5600].allSatisfy { $0 == 0 })
        let pound = samples[5600..<6400]
        #expect(share(of: 941, in: pound) > 0.4 && share(of: 1477, in: pound) > 0.4)
    }
}
