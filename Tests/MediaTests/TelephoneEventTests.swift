import Testing

@testable import Media

@Suite("RFC 4733 telephone-events")
struct TelephoneEventTests {
    /// Packets of one key press as a sender makes them: every 20 ms a growing duration, then
    /// three end packets, all with the timestamp of the start.
    func press(_ key: Character, at timestamp: UInt32, packets: Int = 5) -> [(TelephoneEvent, UInt32)] {
        let code = TelephoneEvent.code(of: key)!
        var result = (1...packets).map { (TelephoneEvent(event: code, isEnd: false, duration: UInt16($0 * 160)), timestamp) }
        result += Array(repeating: (TelephoneEvent(event: code, isEnd: true, duration: UInt16(packets * 160 + 160)), timestamp), count: 3)
        return result
    }

    func keys(_ packets: [(TelephoneEvent, UInt32)]) -> String {
        var receiver = TelephoneEventReceiver()
        return String(packets.compactMap { receiver.receive($0.0, timestamp: $0.1) })
    }

    @Test("each press gives its key once, end packets and their retransmissions nothing more")
    func onePerPress() {
        #expect(keys(press("1", at: 1000) + press("#", at: 3000) + press("1", at: 5000)) == "1#1")
    }

    @Test("a press whose start packets were lost still gives its key")
    func lostStart() {
        #expect(keys(Array(press("5", at: 8000).dropFirst(4))) == "5")
    }

    @Test("a key held past the 16-bit duration is sent in segments and stays one press")
    func longPress() {
        // The first segment grows to the largest duration, 0xFFFF; the next starts there.
        let first = [20000, 40000, 65535].map { (TelephoneEvent(event: 9, isEnd: false, duration: UInt16($0)), UInt32(0)) }
        let second = (1...2).map { (TelephoneEvent(event: 9, isEnd: false, duration: UInt16(800 * $0)), UInt32(65535)) }
        let end = [(TelephoneEvent(event: 9, isEnd: true, duration: 2400), UInt32(65535))]
        #expect(keys(first + second + end) == "9")
        // The same key pressed again after its end is a new press.
        #expect(keys(press("9", at: 100) + press("9", at: 2000)) == "99")
    }

    @Test("payload bytes and key names follow §2.3 and §3.2")
    func wireForm() {
        let event = TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 1280)
        var bytes = [UInt8](repeating: 0, count: 4)
        bytes.withUnsafeMutableBytes { event.write(to: $0) }
        #expect(bytes == [11, 0x8A, 0x05, 0x00])
        #expect(bytes.withUnsafeBytes { TelephoneEvent(payload: $0) } == event)
        #expect((0...15).compactMap { TelephoneEvent(event: UInt8($0), isEnd: false, duration: 0).key } == Array("0123456789*#ABCD"))
    }
}
