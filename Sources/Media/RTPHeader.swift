/// The fixed RTP header (RFC 3550 §5.1), read from and written to raw bytes. CSRCs, a header
/// extension and padding are skipped when reading (Parley neither mixes by CSRC nor uses
/// extensions); `payload` is where the media starts and ends in the packet.
public struct RTPHeader: Sendable, Equatable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32

    public static let size = 12

    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
    }

    /// The header of `packet` and the byte range of its payload; nil for anything that is not
    /// an RTP version 2 packet with a consistent length (RTCP is told apart by its payload
    /// types 200–204 with the marker bit, RFC 5761 §4).
    public static func parse(_ packet: UnsafeRawBufferPointer) -> (header: RTPHeader, payload: Range<Int>)? {
        guard packet.count >= size else { return nil }
        let first = packet[0]
        guard first >> 6 == 2 else { return nil }
        let second = packet[1]
        let csrcCount = Int(first & 0x0F)
        var start = size + 4 * csrcCount
        guard packet.count >= start else { return nil }
        if first & 0x10 != 0 {  // header extension: 16-bit profile, 16-bit length in words
            guard packet.count >= start + 4 else { return nil }
            let words = Int(packet[start + 2]) << 8 | Int(packet[start + 3])
            start += 4 + 4 * words
            guard packet.count >= start else { return nil }
        }
        var end = packet.count
        if first & 0x20 != 0 {  // padding: the last byte says how many
            let padding = Int(packet[packet.count - 1])
            guard padding > 0, end - padding >= start else { return nil }
            end -= padding
        }
        let header = RTPHeader(
            marker: second & 0x80 != 0, payloadType: second & 0x7F,
            sequenceNumber: UInt16(packet[2]) << 8 | UInt16(packet[3]),
            timestamp: UInt32(packet[4]) << 24 | UInt32(packet[5]) << 16 | UInt32(packet[6]) << 8 | UInt32(packet[7]),
            ssrc: UInt32(packet[8]) << 24 | UInt32(packet[9]) << 16 | UInt32(packet[10]) << 8 | UInt32(packet[11]))
        return (header, start..<end)
    }

    /// Writes the 12 header bytes at the start of `buffer` (which must hold them).
    public func write(to buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= Self.size, "an RTP header needs 12 bytes")
        buffer[0] = 0x80
        buffer[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        buffer[2] = UInt8(sequenceNumber >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: sequenceNumber)
        buffer[4] = UInt8(timestamp >> 24)
        buffer[5] = UInt8(truncatingIfNeeded: timestamp >> 16)
        buffer[6] = UInt8(truncatingIfNeeded: timestamp >> 8)
        buffer[7] = UInt8(truncatingIfNeeded: timestamp)
        buffer[8] = UInt8(ssrc >> 24)
        buffer[9] = UInt8(truncatingIfNeeded: ssrc >> 16)
        buffer[10] = UInt8(truncatingIfNeeded: ssrc >> 8)
        buffer[11] = UInt8(truncatingIfNeeded: ssrc)
    }
}
