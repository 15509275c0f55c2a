import Foundation
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
        let got = frame.withUnsafeMutableBufferPointer { buffer in port.nextMix(into: buffer) }
        return got ? frame : nil
    }

    @Test("each participant hears the sum of the others, never itself; muted or near-silent ones add nothing; sums saturate")
    func mixMinusOwn() {
        let state = MixerState()
        let (a, b, c) = (MixerPort(), MixerPort(), MixerPort())
        state.ports = [a, b, c]
        push(1000, to: a)
        push(200, to: b)
        push(130, to: c)
        state.tick()
        #expect(heard(by: a) == [Int16](repeating: 330, count: 160))
        #expect(heard(by: b) == [Int16](repeating: 1130, count: 160))
        #expect(heard(by: c) == [Int16](repeating: 1200, count: 160))

        b.muted = true
        push(1000, to: a)
        push(200, to: b)
        state.tick()  // c sent nothing this time: it hears a only
        #expect(heard(by: a) == [Int16](repeating: 0, count: 160))
        #expect(heard(by: b) == [Int16](repeating: 1000, count: 160))
        #expect(heard(by: c) == [Int16](repeating: 1000, count: 160))

        b.muted = false
        push(1000, to: a)
        push(50, to: c)  // below line-noise level (about −47 dBm0): left out
        state.tick()
        #expect(heard(by: b) == [Int16](repeating: 1000, count: 160))
        #expect(heard(by: a) == [Int16](repeating: 0, count: 160))
        #expect(heard(by: c) == [Int16](repeating: 1000, count: 160))

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
        push(1000, to: a)
        push(200, to: b)
        push(130, to: coach)
        state.tick()
        #expect(heard(by: a) == [Int16](repeating: 330, count: 160))  // b and the coach
        #expect(heard(by: b) == [Int16](repeating: 1000, count: 160))  // a only
        #expect(heard(by: coach) == [Int16](repeating: 1200, count: 160))  // a and b
        // A silent coach changes nothing; the coached one still hears the room.
        push(1000, to: a)
        push(200, to: b)
        state.tick()
        #expect(heard(by: a) == [Int16](repeating: 200, count: 160))
        #expect(heard(by: coach) == [Int16](repeating: 1200, count: 160))
    }

    @Test("silent listeners get one shared encoding of the mix per codec, the same bytes each; a speaker gets its own mix")
    func sharedEncoding() throws {
        let state = MixerState()
        let speaker = MixerPort()
        let listeners = [MixerPort(), MixerPort(), MixerPort()]
        for listener in listeners { listener.sharedEncoding.store(.opus, ordering: .relaxed) }
        let narrowband = MixerPort()  // silent too, but takes no shared encoding: samples only
        let ulaw = MixerPort()  // a silent μ-law listener
        ulaw.sharedEncoding.store(.pcmu, ordering: .relaxed)
        state.ports = [speaker] + listeners + [narrowband, ulaw]
        let tone = (0..<160).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 8000)) }

        func take(_ port: MixerPort) -> (samples: [Int16], packet: [UInt8])? {
            var frame = [Int16](repeating: 0, count: 160)
            var packet = [UInt8](repeating: 0, count: MixFrameQueue.packetBytes)
            let length = frame.withUnsafeMutableBufferPointer { frame in
                packet.withUnsafeMutableBytes { port.nextMix(into: frame, encoded: $0) }
            }
            return length.map { (frame, Array(packet.prefix($0))) }
        }

        tone.withUnsafeBufferPointer { speaker.hear($0) }
        let hiss = (0..<160).map { Int16($0 % 2 == 0 ? 40 : -40) }  // line noise: still silent
        hiss.withUnsafeBufferPointer { listeners[1].hear($0) }
        state.tick()
        #expect(state.sharedEncodings == 2)  // Opus and μ-law, once each
        let taken = try listeners.map { try #require(take($0)) }
        #expect(!taken[0].packet.isEmpty && taken.allSatisfy { $0.packet == taken[0].packet && $0.samples == tone })
        let decoder = try #require(OpusCodec())
        var decoded = [Int16](repeating: 0, count: 960)
        let count = taken[0].packet.withUnsafeBytes { packet in decoded.withUnsafeMutableBufferPointer { decoder.decode(packet, into: $0) } }
        #expect(count == 160)
        #expect(try #require(take(narrowband)).packet.isEmpty)
        #expect(try #require(take(ulaw)).packet == tone.map { G711.linearToULaw[Int(UInt16(bitPattern: $0))] })
        #expect(try #require(take(speaker)).packet.isEmpty)  // hears the room less itself: its own mix

        // The first listener speaks: it gets its own mix; the others still share one encoding.
        tone.withUnsafeBufferPointer { speaker.hear($0) }
        tone.withUnsafeBufferPointer { listeners[0].hear($0) }
        state.tick()
        #expect(state.sharedEncodings == 4)
        #expect(try #require(take(listeners[0])).packet.isEmpty)
        let others = try listeners.dropFirst().map { try #require(take($0)).packet }
        #expect(!others[0].isEmpty && others[0] == others[1])
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

    @Test("mix frames queue in order with their encodings; a full queue drops its oldest frame")
    func frameQueue() {
        var queue = MixFrameQueue()
        for number in 0..<10 {  // two more than it holds
            let frame = [Int16](repeating: Int16(number), count: 160)
            let packet = [UInt8](repeating: UInt8(number), count: number % 2 == 0 ? 0 : 3)
            frame.withUnsafeBufferPointer { frame in packet.withUnsafeBytes { queue.push(frame, encoded: $0) } }
        }
        #expect(queue.count == MixFrameQueue.capacity)
        var frame = [Int16](repeating: 0, count: 160)
        var packet = [UInt8](repeating: 0, count: MixFrameQueue.packetBytes)
        var popped: [(Int16, Int)] = []
        while let length = frame.withUnsafeMutableBufferPointer({ frame in packet.withUnsafeMutableBytes { queue.pop(into: frame, encoded: $0) } }) {
            #expect(packet.prefix(length).allSatisfy { Int16($0) == frame[0] })
            popped.append((frame[0], length))
        }
        #expect(popped.map(\.0) == Array(2...9).map(Int16.init))  // 0 and 1 dropped
        #expect(popped.map(\.1) == [0, 3, 0, 3, 0, 3, 0, 3])
    }

    @Test("with a wideband participant the room mixes at 16 kHz: 6 kHz passes between wideband ones, narrowband ones are converted both ways")
    func widebandRoom() throws {
        let state = MixerState()
        let (a, c) = (MixerPort(), MixerPort())  // wideband (Opus sessions)
        let b = MixerPort()  // narrowband (G.711)
        a.rate.store(16000, ordering: .relaxed)
        c.rate.store(16000, ordering: .relaxed)
        state.ports = [a, b, c]
        func tone(_ frequency: Double, rate: Int, frame: Int) -> [Int16] {
            let count = rate / 50
            return (0..<count).map { Int16(6000 * sin(2 * Double.pi * frequency * Double(frame * count + $0) / Double(rate))) }
        }
        func level(_ samples: [Int16], _ frequency: Double, rate: Int) -> Double {
            var (re, im) = (0.0, 0.0)
            for (index, sample) in samples.enumerated() {
                let phase = 2 * Double.pi * frequency * Double(index) / Double(rate)
                re += Double(sample) * cos(phase)
                im += Double(sample) * sin(phase)
            }
            return 2 * (re * re + im * im).squareRoot() / Double(samples.count)
        }
        var heardByA: [Int16] = []
        var heardByB: [Int16] = []
        for frame in 0..<25 {
            tone(1000, rate: 16000, frame: frame).withUnsafeBufferPointer { a.hear($0) }
            tone(500, rate: 8000, frame: frame).withUnsafeBufferPointer { b.hear($0) }
            tone(6000, rate: 16000, frame: frame).withUnsafeBufferPointer { c.hear($0) }
            state.tick()
            var wide = [Int16](repeating: 0, count: 320)
            var narrow = [Int16](repeating: 0, count: 160)
            #expect(wide.withUnsafeMutableBufferPointer { a.nextMix(into: $0) })
            #expect(narrow.withUnsafeMutableBufferPointer { b.nextMix(into: $0) })
            if frame >= 5 {  // past the resamplers' start
                heardByA += wide
                heardByB += narrow
            }
        }
        #expect(state.rate == 16000)
        #expect(level(heardByA, 6000, rate: 16000) > 4000)  // c's 6 kHz, which 8 kHz could not carry
        #expect(level(heardByA, 500, rate: 16000) > 4000)  // b, converted up
        #expect(level(heardByA, 1000, rate: 16000) < 300)  // never its own
        #expect(level(heardByB, 1000, rate: 8000) > 4000)  // a, converted down
        #expect(level(heardByB, 500, rate: 8000) < 300)
    }
}
