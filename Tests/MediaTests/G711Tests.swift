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
