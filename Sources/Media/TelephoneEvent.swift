/// One RFC 4733 telephone-event payload (§2.3): the event code, the end bit, the volume and
/// the duration so far in timestamp units.
public struct TelephoneEvent: Sendable, Equatable {
    public var event: UInt8
    public var isEnd: Bool
    public var volume: UInt8
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    public init?(payload: UnsafeRawBufferPointer) {
        guard payload.count >= 4 else { return nil }
        event = payload[0]
        isEnd = payload[1] & 0x80 != 0
        volume = payload[1] & 0x3F
        duration = UInt16(payload[2]) << 8 | UInt16(payload[3])
    }

    public func write(to buffer: UnsafeMutableRawBufferPointer) {
        buffer[0] = event
        buffer[1] = (isEnd ? 0x80 : 0) | (volume & 0x3F)
        buffer[2] = UInt8(duration >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: duration)
    }

    /// The DTMF key of an event code 0–15 (§3.2): 0–9, `*`, `#`, A–D.
    public var key: Character? {
        switch event {
        case 0...9: Character(String(event))
        case 10: "*"
        case 11: "#"
        case 12...15: Character(UnicodeScalar(UInt8(ascii: "A") + event - 12))
        default: nil
        }
    }

    /// The event code of a DTMF key.
    public static func code(of key: Character) -> UInt8? {
        switch key {
        case "0"..."9": key.asciiValue.map { $0 - UInt8(ascii: "0") }
        case "*": 10
        case "#": 11
        case "A"..."D": key.asciiValue.map { $0 - UInt8(ascii: "A") + 12 }
        default: nil
        }
    }
}

/// Turns a stream of telephone-event packets into key presses, each reported once: the
/// first packet seen of an event gives the key (so a lost start packet loses nothing), its
/// retransmitted end packets give nothing more, and the segments of a key held longer than
/// the 16-bit duration allows (§2.5.1.3, same code, a new timestamp, no end in between) stay
/// one press.
public struct TelephoneEventReceiver: Sendable {
    private var current: (timestamp: UInt32, event: UInt8, ended: Bool, lastDuration: UInt16)?

    public init() {}

    /// The key this packet starts, if it starts one.
    public mutating func receive(_ event: TelephoneEvent, timestamp: UInt32) -> Character? {
        if let current, current.timestamp == timestamp {
            self.current?.ended = current.ended || event.isEnd
            self.current?.lastDuration = max(current.lastDuration, event.duration)
            return nil
        }
        if let current, !current.ended, current.event == event.event {
            // A continuation segment starts where the previous one reached.
            let gap = timestamp &- current.timestamp
            if gap > 0, gap <= UInt32(current.lastDuration) + 1600 {
                self.current = (timestamp, event.event, event.isEnd, event.duration)
                return nil
            }
        }
        current = (timestamp, event.event, event.isEnd, event.duration)
        return event.key
    }
}
