import Foundation
import Testing

@testable import Media

@Suite("RTCP")
struct RTCPTests {
    @Test("a sender report with a block and a CNAME is read back as written")
    func roundTrip() throws {
        let block = RTCPPacket.ReportBlock(
            ssrc: 7, fractionLost: 25, cumulativeLost: -3, highestSequence: 70_000, jitter: 80, lastSenderReport: 0x1234_5678,
            delaySinceLastSenderReport: 65536)
        let sender = RTCPPacket.SenderInfo(ntp: 0xAABB_CCDD_1122_3344, rtpTimestamp: 9, packets: 100, octets: 16000)
        let bytes = RTCPPacket.compound(ssrc: 42, sender: sender, block: block, cname: "parley@test")
        #expect(bytes.count % 4 == 0)
        let reports = try #require(bytes.withUnsafeBytes { RTCPPacket.reports(in: $0) })
        #expect(reports == [RTCPPacket.Report(ssrc: 42, sender: sender, blocks: [block])])
        let receiverOnly = RTCPPacket.compound(ssrc: 42, sender: nil, block: nil, cname: "x")
        #expect(receiverOnly[1] == 201)
        #expect([UInt8](repeating: 0, count: 8).withUnsafeBytes { RTCPPacket.reports(in: $0) } == nil)  // not version 2
    }

    @Test("reception statistics count losses across a sequence wrap, ignore a late packet, and restart on a new source")
    func statistics() {
        var statistics = ReceptionStatistics()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var sequence: UInt16 = 65530
        for index in 0..<20 {
            if index != 5 && index != 12 {  // two lost, one of them after the wrap
                statistics.packet(ssrc: 1, sequence: sequence, timestamp: UInt32(index * 160), arrival: start.addingTimeInterval(Double(index) * 0.02), clockRate: 8000)
            }
            sequence &+= 1
        }
        #expect(statistics.expected == 20 && statistics.received == 18 && statistics.cumulativeLost == 2)
        #expect(statistics.jitter == 0)  // perfectly paced
        let block = statistics.block(now: start)
        #expect(block?.fractionLost == UInt8((2 << 8) / 20) && block?.highestSequence == 65536 + 13)
        statistics.packet(ssrc: 2, sequence: 100, timestamp: 0, arrival: start, clockRate: 8000)
        #expect(statistics.received == 1 && statistics.expected == 1)
    }
}
