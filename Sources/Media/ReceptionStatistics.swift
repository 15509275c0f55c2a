import Foundation

/// What a session knows of the stream it receives (RFC 3550 A.1, A.3, A.8): packets
/// received and expected (sequence numbers extended across wraps), interarrival jitter, and
/// the last sender report of the far end (for the RTT it will compute from our reports).
struct ReceptionStatistics {
    private(set) var ssrc: UInt32?
    private var baseSequence: UInt32 = 0
    private var cycles: UInt32 = 0
    private var maxSequence: UInt16 = 0
    private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    /// Jitter in timestamp units, scaled by 16 as in A.8.
    private var jitterScaled: UInt32 = 0
    private var lastTransit: Int64?
    /// The far end's last SR: its NTP middle 32 bits and when it arrived.
    private var lastSenderReport: (middle: UInt32, arrived: Date)?

    mutating func packet(ssrc: UInt32, sequence: UInt16, timestamp: UInt32, arrival: Date, clockRate: Int) {
        if self.ssrc != ssrc {
            // A new source (or the first): start over.
            self = ReceptionStatistics()
            self.ssrc = ssrc
            baseSequence = UInt32(sequence)
            maxSequence = sequence
        } else if sequence &- maxSequence < 0x8000 {
            if sequence < maxSequence { cycles &+= 1 << 16 }
            maxSequence = sequence
        }
        received &+= 1
        let arrivalUnits = Int64(arrival.timeIntervalSince1970 * Double(clockRate))
        let transit = arrivalUnits - Int64(timestamp)
        if let lastTransit {
            let difference = UInt32(min(abs(transit - lastTransit), Int64(UInt32.max >> 5)))
            jitterScaled = jitterScaled &+ difference &- ((jitterScaled &+ 8) >> 4)
        }
        lastTransit = transit
    }

    mutating func senderReport(ntp: UInt64, arrived: Date) {
        lastSenderReport = (UInt32((ntp >> 16) & 0xFFFF_FFFF), arrived)
    }

    var extendedHighest: UInt32 { cycles &+ UInt32(maxSequence) }
    var expected: UInt32 { ssrc == nil ? 0 : extendedHighest &- baseSequence &+ 1 }
    var cumulativeLost: Int32 { Int32(clamping: Int64(expected) - Int64(received)) }
    var jitter: UInt32 { jitterScaled >> 4 }

    /// The report block about this stream, as of `now`; the interval counters move on.
    mutating func block(now: Date) -> RTCPPacket.ReportBlock? {
        guard let ssrc else { return nil }
        let expectedInterval = expected &- expectedPrior
        let receivedInterval = received &- receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        let fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : UInt8(min(255, (lostInterval << 8) / Int64(expectedInterval)))
        let (middle, delay): (UInt32, UInt32) = lastSenderReport.map { report in
            (report.middle, UInt32(max(0, now.timeIntervalSince(report.arrived)) * 65536))
        } ?? (0, 0)
        return RTCPPacket.ReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulativeLost, highestSequence: extendedHighest, jitter: jitter,
            lastSenderReport: middle, delaySinceLastSenderReport: delay)
    }
}
