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

    @Test("the round trip is the arrival less our report's time less the far end's delay; a millisecond's rounding below zero is zero")
    func roundTripTime() {
        func block(lsr: UInt32, dlsr: UInt32) -> RTCPPacket.ReportBlock {
            RTCPPacket.ReportBlock(
                ssrc: 1, fractionLost: 0, cumulativeLost: 0, highestSequence: 0, jitter: 0, lastSenderReport: lsr,
                delaySinceLastSenderReport: dlsr)
        }
        let sent: UInt32 = 0x0001_0000  // our SR at second 1
        // Held 0.5 s by the far end, back 30 ms after that: 30 ms.
        #expect(block(lsr: sent, dlsr: 32768).roundTripMilliseconds(arrived: sent + 32768 + 1966) == Double(1966) / 65536 * 1000)
        // A loopback peer whose delay, counted in whole milliseconds, came out 1 ms long.
        #expect(block(lsr: sent, dlsr: 32768 + 66).roundTripMilliseconds(arrived: sent + 32768 + 20) == 0)
        // Far below zero, or no SR to go by: no round trip.
        #expect(block(lsr: sent, dlsr: 65536).roundTripMilliseconds(arrived: sent + 32768) == nil)
        #expect(block(lsr: 0, dlsr: 0).roundTripMilliseconds(arrived: sent) == nil)
        // Across the wrap of the 32-bit middle of the NTP time.
        #expect(block(lsr: 0xFFFF_FF00, dlsr: 0x100).roundTripMilliseconds(arrived: 0x0000_0010) == Double(0x10) / 65536 * 1000)
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
