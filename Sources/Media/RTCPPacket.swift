import Foundation

/// RTCP (RFC 3550 §6) as Parley reads and writes it: sender and receiver reports (with their
/// report blocks) and the SDES CNAME that must ride in every compound packet. Other packet
/// types in a compound packet are skipped.
enum RTCPPacket {
    struct ReportBlock: Equatable {
        let ssrc: UInt32
        /// Fraction of packets lost since the last report, over 256.
        let fractionLost: UInt8
        let cumulativeLost: Int32
        let highestSequence: UInt32
        /// Interarrival jitter in RTP timestamp units.
        let jitter: UInt32
        /// The middle 32 bits of the NTP time of the last SR received from the report's
        /// subject, and the delay since then (1/65536 s units): together they give the RTT.
        let lastSenderReport: UInt32
        let delaySinceLastSenderReport: UInt32

        /// 5 ms in 1/65536 s units: how far below zero a round trip may come out from a far
        /// end's rounding of its delay since our report.
        static let roundTripTolerance: Int32 = 5 * 65536 / 1000

        /// The round trip (RFC 3550 §6.4.1) for this block arriving when the middle 32 bits of
        /// our NTP clock read `arrived`; nil without a sender report to go by. A peer that
        /// counts its delay in milliseconds (baresip) can overstate it by one, so a round trip
        /// shorter than that (loopback, a LAN) comes out a little below zero: that is zero.
        /// Anything further below is no round trip at all.
        func roundTripMilliseconds(arrived: UInt32) -> Double? {
            guard lastSenderReport != 0 else { return nil }
            let units = Int32(bitPattern: arrived &- lastSenderReport &- delaySinceLastSenderReport)
            guard units >= -Self.roundTripTolerance else { return nil }
            return Double(max(0, units)) / 65536 * 1000
        }
    }

    struct SenderInfo: Equatable {
        let ntp: UInt64
        let rtpTimestamp: UInt32
        let packets: UInt32
        let octets: UInt32
    }

    struct Report: Equatable {
        let ssrc: UInt32
        let sender: SenderInfo?
        let blocks: [ReportBlock]
    }

    /// The sender and receiver reports in a compound packet (nil when it is not RTCP v2).
    static func reports(in bytes: UnsafeRawBufferPointer) -> [Report]? {
        var offset = 0
        var reports: [Report] = []
        while offset + 4 <= bytes.count {
            guard bytes[offset] >> 6 == 2 else { return nil }
            let count = Int(bytes[offset] & 0x1F)
            let type = bytes[offset + 1]
            let length = (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) + 1) * 4
            guard offset + length <= bytes.count else { return nil }
            let body = offset + 4
            if type == 200 || type == 201, length >= 8 {
                let ssrc = word(bytes, body)
                var cursor = body + 4
                var sender: SenderInfo?
                if type == 200 {
                    guard length >= 28 else { return nil }
                    sender = SenderInfo(
                        ntp: UInt64(word(bytes, cursor)) << 32 | UInt64(word(bytes, cursor + 4)), rtpTimestamp: word(bytes, cursor + 8),
                        packets: word(bytes, cursor + 12), octets: word(bytes, cursor + 16))
                    cursor += 20
                }
                var blocks: [ReportBlock] = []
                for _ in 0..<count where cursor + 24 <= offset + length {
                    let lost = word(bytes, cursor + 4)
                    let cumulative = Int32(bitPattern: (lost & 0x00FF_FFFF) << 8) >> 8
                    blocks.append(
                        ReportBlock(
                            ssrc: word(bytes, cursor), fractionLost: UInt8(lost >> 24), cumulativeLost: cumulative,
                            highestSequence: word(bytes, cursor + 8), jitter: word(bytes, cursor + 12),
                            lastSenderReport: word(bytes, cursor + 16), delaySinceLastSenderReport: word(bytes, cursor + 20)))
                    cursor += 24
                }
                reports.append(Report(ssrc: ssrc, sender: sender, blocks: blocks))
            }
            offset += length
        }
        return reports
    }

    /// A compound packet: an SR (or an RR when nothing was sent) with at most one report
    /// block, then an SDES with the CNAME. Built in one allocation, with room for SRTCP's
    /// index and tag after it.
    static func compound(ssrc: UInt32, sender: SenderInfo?, block: ReportBlock?, cname: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(80 + 255 + 16)
        let blockCount: UInt8 = block == nil ? 0 : 1
        let words = 1 + (sender == nil ? 0 : 5) + (block == nil ? 0 : 6)
        append(0x80 | blockCount, sender == nil ? 201 : 200, UInt8(words >> 8), UInt8(words & 0xFF), to: &bytes)
        append(ssrc, to: &bytes)
        if let sender {
            append(UInt32(sender.ntp >> 32), to: &bytes)
            append(UInt32(sender.ntp & 0xFFFF_FFFF), to: &bytes)
            append(sender.rtpTimestamp, to: &bytes)
            append(sender.packets, to: &bytes)
            append(sender.octets, to: &bytes)
        }
        if let block {
            append(block.ssrc, to: &bytes)
            append(UInt32(block.fractionLost) << 24 | UInt32(bitPattern: block.cumulativeLost) & 0x00FF_FFFF, to: &bytes)
            append(block.highestSequence, to: &bytes)
            append(block.jitter, to: &bytes)
            append(block.lastSenderReport, to: &bytes)
            append(block.delaySinceLastSenderReport, to: &bytes)
        }
        // SDES: one chunk (SSRC, CNAME item, end), padded to a word.
        let name = cname.utf8.prefix(255)
        let chunkBytes = (4 + 2 + name.count + 1 + 3) / 4 * 4
        let sdesWords = chunkBytes / 4
        append(0x81, 202, UInt8(sdesWords >> 8), UInt8(sdesWords & 0xFF), to: &bytes)
        let chunkStart = bytes.count
        append(ssrc, to: &bytes)
        bytes.append(1)
        bytes.append(UInt8(name.count))
        bytes.append(contentsOf: name)
        while bytes.count < chunkStart + chunkBytes { bytes.append(0) }
        return bytes
    }

    /// NTP time (seconds since 1900 in the upper 32 bits, the fraction in the lower).
    static func ntp(_ date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970 + 2_208_988_800
        let whole = UInt64(seconds)
        return whole << 32 | UInt64((seconds - Double(whole)) * 4_294_967_296)
    }

    private static func word(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        append(UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF), to: &bytes)
    }

    private static func append(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, to bytes: inout [UInt8]) {
        bytes.append(a)
        bytes.append(b)
        bytes.append(c)
        bytes.append(d)
    }
}
