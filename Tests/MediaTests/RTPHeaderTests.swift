import Testing

@testable import Media

@Suite("RTP header")
struct RTPHeaderTests {
    @Test("written and read back, with the payload after 12 bytes")
    func roundTrip() {
        let header = RTPHeader(marker: true, payloadType: 101, sequenceNumber: 0xFFFE, timestamp: 0x8000_0001, ssrc: 0xDEAD_BEEF)
        var packet = [UInt8](repeating: 0, count: 16)
        packet.withUnsafeMutableBytes { header.write(to: $0) }
        packet[12...] = [1, 2, 3, 4]
        let parsed = packet.withUnsafeBytes { RTPHeader.parse($0) }
        #expect(parsed?.header == header)
        #expect(parsed?.payload == 12..<16)
    }

    @Test("CSRCs, an extension and padding are skipped")
    func skipped() {
        var packet: [UInt8] = [0xB2, 0x00, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9]  // padding, extension, 2 CSRCs
        packet += [0, 0, 0, 1, 0, 0, 0, 2]  // CSRCs
        packet += [0xBE, 0xDE, 0, 1, 9, 9, 9, 9]  // extension of one word
        packet += [7, 7, 7]  // payload
        packet += [0, 0, 3]  // three bytes of padding
        let parsed = packet.withUnsafeBytes { RTPHeader.parse($0) }
        #expect(parsed?.payload == 28..<31)
        #expect(parsed?.header.timestamp == 160 && parsed?.header.ssrc == 9)
    }

    @Test("not RTP: short, wrong version, lying lengths", arguments: [
        [UInt8](repeating: 0x80, count: 11), [0x40] + [UInt8](repeating: 0, count: 15),
        [0x8F] + [UInt8](repeating: 0, count: 15), [0xA0] + [UInt8](repeating: 0, count: 10) + [40],
    ])
    func rejected(packet: [UInt8]) {
        #expect(packet.withUnsafeBytes { RTPHeader.parse($0) } == nil)
    }
}

@Suite("RTP port pool")
struct RTPPortPoolTests {
    @Test("ports are lent at random, never twice, and one given back rests behind the others")
    func draws() {
        let pool = RTPPortPool(range: 30000...30199)
        var lent: [Int] = []
        while let port = pool.take() { lent.append(port) }
        #expect(lent.count == 100 && Set(lent).count == 100 && lent.allSatisfy { $0 % 2 == 0 })
        #expect(lent != lent.sorted())  // not lowest first: the next port cannot be guessed
        for port in lent { pool.give(port) }
        pool.give(lent[0])  // given back twice: still free once
        #expect(pool.available == 100)
        // The port given back last is in the younger half, which is never drawn.
        let newest = lent[99]
        let drawn = (0..<50).compactMap { _ in pool.take() }
        #expect(!drawn.contains(newest))
    }
}
