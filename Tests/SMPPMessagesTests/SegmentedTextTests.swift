import Testing

@testable import SMPPMessages

@Suite("Text encoding and concatenation")
struct SegmentedTextTests {
    @Test("GSM 03.38: every basic character is one septet at its table position, the extension table two")
    func alphabet() {
        #expect(GSM7Alphabet.septets(for: "@") == [0x00])
        #expect(GSM7Alphabet.septets(for: "£") == [0x01])
        #expect(GSM7Alphabet.septets(for: "Δ") == [0x10])
        #expect(GSM7Alphabet.septets(for: "A") == [0x41])
        #expect(GSM7Alphabet.septets(for: "à") == [0x7F])
        #expect(GSM7Alphabet.septets(for: "€") == [0x1B, 0x65])
        #expect(GSM7Alphabet.septets(for: "[") == [0x1B, 0x3C])
        #expect(GSM7Alphabet.septets(for: "`") == nil)
        #expect(GSM7Alphabet.basic.count == 128)
        let all = String(String.UnicodeScalarView(GSM7Alphabet.basic.enumerated().filter { $0.offset != 0x1B }.map(\.element))) + "€{}[]~|\\^"
        #expect(GSM7Alphabet.decode(all.unicodeScalars.flatMap { GSM7Alphabet.septets(for: $0)! }) == all)
    }

    @Test("the encoding is chosen from the text", arguments: [
        ("Your code is 123456", SMSEncoding.gsm7),
        ("Prix: 5 € — ok", .ucs2),
        ("Prix: 5 € ok {}", .gsm7),
        ("Ça coûte 5€", .ucs2),
        ("Ça côute", .ucs2),
        ("Ça va, à bientôt? no", .ucs2),
        ("Ça va, à demain", .gsm7),
        ("👍", .ucs2),
    ])
    func encodingChoice(text: String, expected: SMSEncoding) {
        #expect(SMSEncoding.choose(for: text) == expected)
    }

    @Test("160 GSM septets fit one message; 161 make two parts of at most 153 with a concatenation header")
    func gsmParts() {
        let single = SegmentedText(String(repeating: "a", count: 160), reference: 7)
        #expect(single.segmentCount == 1 && !single.hasHeader && single.parts[0].count == 160)
        let double = SegmentedText(String(repeating: "a", count: 161), reference: 7)
        #expect(double.segmentCount == 2)
        #expect(double.parts[0].prefix(6) == [0x05, 0x00, 0x03, 7, 2, 1] && double.parts[0].count == 6 + 153)
        #expect(double.parts[1].prefix(6) == [0x05, 0x00, 0x03, 7, 2, 2] && double.parts[1].count == 6 + 8)
        // The extension table counts twice: 80 euro signs are 160 septets, one more is too many.
        #expect(SegmentedText(String(repeating: "€", count: 80), reference: 1).segmentCount == 1)
        #expect(SegmentedText(String(repeating: "€", count: 81), reference: 1).segmentCount == 2)
    }

    @Test("an escape pair is never cut between two parts")
    func escapeNotSplit() {
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 10)
        let parts = SegmentedText(text, reference: 1).parts
        #expect(parts[0].count == 6 + 152 && parts[1].prefix(8) == [0x05, 0x00, 0x03, 1, 2, 2, 0x1B, 0x65])
        #expect(parts.map { GSM7Alphabet.decode($0.dropFirst(6)) }.joined() == text)
    }

    @Test("UCS-2: 70 code units fit one message, 71 make parts of 67, surrogate pairs kept whole")
    func ucs2Parts() {
        #expect(SegmentedText(String(repeating: "ô€", count: 35), reference: 1).segmentCount == 1)
        let long = SegmentedText(String(repeating: "ô€", count: 35) + "x", reference: 1)
        #expect(long.encoding == .ucs2 && long.segmentCount == 2 && long.parts[0].count == 6 + 134)
        let emoji = String(repeating: "x", count: 66) + "👍" + String(repeating: "y", count: 10)
        let parts = SegmentedText(emoji, reference: 2).parts
        #expect(parts[0].count == 6 + 132 && parts[1].count == 6 + 24)
        #expect(parts.map { SMSEncoding.decode($0.dropFirst(6), dataCoding: 8) }.joined() == emoji)
    }

    @Test("1,600 GSM characters make 11 parts, the longest body the API accepts")
    func longestBody() {
        #expect(SegmentedText(String(repeating: "z", count: 1600), reference: 3).segmentCount == 11)
    }
}
