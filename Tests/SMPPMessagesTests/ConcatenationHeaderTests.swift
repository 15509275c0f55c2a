import Testing

@testable import SMPPMessages

@Suite("Concatenation headers of incoming parts")
struct ConcatenationHeaderTests {
    @Test("the parts SegmentedText makes read back as their place in the message, and their data joins into the text", arguments: [
        String(repeating: "Parley joins the parts of a long message again. ", count: 8),
        String(repeating: "Ĉu ĉiuj partoj alvenis? 😀 ", count: 12),
    ])
    func roundTrip(text: String) throws {
        let segmented = SegmentedText(text, reference: 42)
        #expect(segmented.parts.count > 1)
        var joined: [UInt8] = []
        for (index, part) in segmented.parts.enumerated() {
            let (header, data) = try #require(ConcatenationHeader.split(part))
            #expect(header == ConcatenationHeader(reference: 42, total: segmented.parts.count, sequence: index + 1))
            joined += data
        }
        #expect(SMSEncoding.decode(joined, dataCoding: segmented.encoding.dataCoding) == text)
    }

    @Test("a 16-bit reference; other elements skipped; a header running past the payload, or a part beyond the total, refused")
    func variants() {
        let sixteen: [UInt8] = [9, 0x24, 1, 0x01, 0x08, 4, 0x12, 0x34, 3, 2, 0x41]
        #expect(ConcatenationHeader.split(sixteen)?.header == ConcatenationHeader(reference: 0x1234, total: 3, sequence: 2))
        #expect(ConcatenationHeader.split(sixteen).map { Array($0.data) } == [0x41])
        #expect(ConcatenationHeader.split([5, 0x00, 3, 1, 2]) == nil)
        #expect(ConcatenationHeader.split([5, 0x00, 3, 1, 2, 3])?.header == nil)
        #expect(ConcatenationHeader.split([0, 0x41])?.header == nil)
    }
}
