import Testing

@testable import Media

@Suite("SRTP")
struct SRTPSessionTests {
    let alice = (0..<30).map { UInt8($0) }
    let bob = (0..<30).map { UInt8(200 - $0) }

    func packet() -> [UInt8] {
        var bytes = [UInt8](repeating: 0xD5, count: RTPHeader.size + 160 + 10)
        let header = RTPHeader(marker: false, payloadType: 8, sequenceNumber: 1, timestamp: 160, ssrc: 77)
        bytes.withUnsafeMutableBytes { header.write(to: $0) }
        return bytes
    }

    @Test("what one side protects the other reads back; a wrong key or a flipped bit is dropped and counted", arguments: [SRTPSuite.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32])
    func protectAndUnprotect(suite: SRTPSuite) throws {
        let sender = try #require(SRTPSession(suite: suite, localKey: alice, remoteKey: bob))
        let receiver = try #require(SRTPSession(suite: suite, localKey: bob, remoteKey: alice))
        let stranger = try #require(SRTPSession(suite: suite, localKey: bob, remoteKey: bob))
        var bytes = packet()
        let plain = Array(bytes[0..<(RTPHeader.size + 160)])
        var length = RTPHeader.size + 160
        #expect(bytes.withUnsafeMutableBytes { sender.protect($0.baseAddress!, length: &length) })
        #expect(length == RTPHeader.size + 160 + sender.overhead)
        #expect(Array(bytes[RTPHeader.size..<(RTPHeader.size + 160)]) != Array(plain[RTPHeader.size...]))  // encrypted

        var wrongKey = bytes
        var wrongLength = length
        #expect(!wrongKey.withUnsafeMutableBytes { stranger.unprotect($0.baseAddress!, length: &wrongLength) })
        #expect(stranger.rejected == 1)

        var tampered = bytes
        tampered[RTPHeader.size + 5] ^= 0x01
        var tamperedLength = length
        #expect(!tampered.withUnsafeMutableBytes { receiver.unprotect($0.baseAddress!, length: &tamperedLength) })
        #expect(receiver.rejected == 1)

        var received = length
        #expect(bytes.withUnsafeMutableBytes { receiver.unprotect($0.baseAddress!, length: &received) })
        #expect(received == RTPHeader.size + 160 && Array(bytes[0..<received]) == plain)
        #expect(receiver.rejected == 1)
    }
}
