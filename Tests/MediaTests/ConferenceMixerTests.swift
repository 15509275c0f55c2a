import Testing

@testable import Media

@Suite("Conference mixer")
struct ConferenceMixerTests {
    func push(_ value: Int16, to port: MixerPort, count: Int = 160) {
        let frame = [Int16](repeating: value, count: count)
        frame.withUnsafeBufferPointer { samples in port.incoming.withLock { $0.push(samples) } }
    }

    func heard(by port: MixerPort) -> [Int16]? {
        var frame = [Int16](repeating: 0, count: 160)
        let got = frame.withUnsafeMutableBufferPointer { buffer in port.outgoing.withLock { $0.pop(into: buffer) } }
        return got ? frame : nil
    }

    @Test("each participant hears the sum of the others, never itself; muted ones add nothing; sums saturate")
    func mixMinusOwn() {
        let state = MixerState()
        let (a, b, c) = (MixerPort(), MixerPort(), MixerPort())
        state.ports = [a, b, c]
        push(100, to: a)
        push(20, to: b)
        push(3, to: c)
        state.tick()
        #expect(heard(by: a) == [Int16](repeating: 23, count: 160))
        #expect(heard(by: b) == [Int16](repeating: 103, count: 160))
        #expect(heard(by: c) == [Int16](repeating: 120, count: 160))

        b.muted = true
        push(100, to: a)
        push(20, to: b)
        state.tick()  // c sent nothing this time: it hears a only
        #expect(heard(by: a) == [Int16](repeating: 0, count: 160))
        #expect(heard(by: b) == [Int16](repeating: 100, count: 160))
        #expect(heard(by: c) == [Int16](repeating: 100, count: 160))

        b.muted = false
        push(30000, to: a)
        push(30000, to: b)
        push(-30000, to: c, count: 80)  // half a frame: not enough, so not taken yet
        state.tick()
        #expect(heard(by: c) == [Int16](repeating: Int16.max, count: 160))
        #expect(heard(by: a) == [Int16](repeating: 30000, count: 160))
    }

    @Test("a coach is heard by the participant coached only, and hears everyone; the room's sum leaves the coach out")
    func coach() {
        let state = MixerState()
        let (a, b) = (MixerPort(), MixerPort())
        let coach = MixerPort(coaching: a)
        state.ports = [a, coach, b]
        push(100, to: a)
        push(20, to: b)
        push(7, to: coach)
        state.tick()
        #expect(heard(by: a) == [Int16](repeating: 27, count: 160))  // b and the coach
        #expect(heard(by: b) == [Int16](repeating: 100, count: 160))  // a only
        #expect(heard(by: coach) == [Int16](repeating: 120, count: 160))  // a and b
        // A silent coach changes nothing; the coached one still hears the room.
        push(100, to: a)
        push(20, to: b)
        state.tick()
        #expect(heard(by: a) == [Int16](repeating: 20, count: 160))
        #expect(heard(by: coach) == [Int16](repeating: 120, count: 160))
    }

    @Test("packets of any size come out as 20 ms frames; an overflowing queue drops its oldest samples")
    func fifo() {
        var fifo = SampleFIFO(capacity: 480)
        let packet = (0..<240).map { Int16($0) }
        packet.withUnsafeBufferPointer { fifo.push($0) }
        var frame = [Int16](repeating: 0, count: 160)
        #expect(frame.withUnsafeMutableBufferPointer { fifo.pop(into: $0) })
        #expect(frame == (0..<160).map { Int16($0) })
        #expect(!frame.withUnsafeMutableBufferPointer { fifo.pop(into: $0) })  // 80 left
        for number in 1...3 {  // 80 left + 720 = 800 > 480: the oldest 320 go
            let later = (0..<240).map { Int16(number * 1000 + $0) }
            later.withUnsafeBufferPointer { fifo.push($0) }
        }
        #expect(fifo.count == 480)
        #expect(frame.withUnsafeMutableBufferPointer { fifo.pop(into: $0) })
        #expect(frame.first == 2000 && frame.last == 2159)  // the 80 left and packet 1 dropped: packet 2 comes first
    }
}
