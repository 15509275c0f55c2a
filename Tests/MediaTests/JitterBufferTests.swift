import Testing

@testable import Media

/// Drives a jitter buffer on a simulated clock (8 kHz units): packets are put at their
/// arrival times, and a tick pops a frame every 20 ms. Each packet's payload is its number.
struct JitterReplay {
    struct Packet {
        var number: UInt32
        var timestamp: UInt32
        var arrival: Int64
        var ssrc: UInt32 = 7
    }

    let buffer = JitterBuffer(clockRate: 8000, frameUnits: 160)
    /// Per tick up to the last packet played: the packet number played, or nil (concealed or idle).
    var played: [UInt32?] = []
    /// For each concealed tick up to then: the number of the packet handed as `next` (for FEC), if any.
    var nextAfterMissing: [UInt32?] = []
    /// The buffer's statistics when the last packet was played (the ticks after the end of
    /// the stream are not part of it).
    var statistics = JitterBuffer.Statistics()

    /// Ticks every 20 ms from the first arrival plus `phase`; tick `n` runs `lateness(n)`
    /// units after its slot (a busy loop).
    mutating func run(_ packets: [Packet], phase: Int64 = 37, lateness: (Int) -> Int64 = { _ in 0 }) {
        let packets = packets.sorted { $0.arrival < $1.arrival }
        guard let first = packets.first?.arrival, let last = packets.last?.arrival else { return }
        var next = 0
        var slot = first + phase
        var tick = 0
        while slot <= last + 4000 {
            let now = slot + lateness(tick)
            tick += 1
            while next < packets.count, packets[next].arrival <= now {
                let packet = packets[next]
                withUnsafeBytes(of: packet.number) { buffer.put($0, timestamp: packet.timestamp, ssrc: packet.ssrc, arrival: packet.arrival) }
                next += 1
            }
            switch buffer.pop(now: now) {
            case .idle: ticks.append(.idle)
            case .packet(let bytes):
                ticks.append(.played(bytes.loadUnaligned(as: UInt32.self)))
                statistics = buffer.statistics
            case .missing(let following): ticks.append(.missing(next: following.map { $0.loadUnaligned(as: UInt32.self) }))
            }
            slot += 160
        }
        let end = (ticks.lastIndex { if case .played = $0 { true } else { false } } ?? -1) + 1
        for tick in ticks[..<end] {
            switch tick {
            case .idle: played.append(nil)
            case .played(let number): played.append(number)
            case .missing(let next):
                played.append(nil)
                nextAfterMissing.append(next)
            }
        }
    }

    private enum Tick {
        case idle, played(UInt32), missing(next: UInt32?)
    }

    private var ticks: [Tick] = []

    var numbers: [UInt32] { played.compactMap { $0 } }

    /// The packets of `0..<count` never played.
    func unplayed(_ count: Int) -> [UInt32] { (0..<UInt32(count)).filter { !numbers.contains($0) } }
}

/// `count` 20 ms packets sent from time 0 on the sender's clock (`speed` 1.1: 10% fast),
/// each arriving after `delay(n)` units.
func stream(_ count: Int, speed: Double = 1, delay: (Int) -> Int64 = { _ in 240 }) -> [JitterReplay.Packet] {
    (0..<count).map { n in
        JitterReplay.Packet(number: UInt32(n), timestamp: UInt32(n * 160), arrival: Int64(Double(n * 160) / speed) + delay(n))
    }
}

@Suite("Adaptive jitter buffer")
struct JitterBufferTests {
    @Test("a sender whose timestamps leave the frame grid by half a frame is played again within a ring's worth of ticks")
    func offGrid() {
        // 100 packets; from packet 50 on the timestamps are 80 units (half a frame) later than
        // the grid the stream began on (a jump too small to count as a restarted sender).
        var packets = stream(100)
        for index in 50..<100 { packets[index].timestamp &+= 80 }
        var replay = JitterReplay()
        replay.run(packets)
        let after = replay.numbers.filter { $0 >= 50 }
        #expect(replay.numbers.filter { $0 < 50 }.count >= 48)
        #expect(after.count >= 100 - 50 - 34)  // at most a ring (32) and the tick or two of the jump lost
        #expect(after == after.sorted())
    }

    @Test("a steady stream plays every packet in order with about a frame of delay, nothing concealed")
    func steady() {
        var replay = JitterReplay()
        replay.run(stream(500))
        #expect(replay.numbers == (0..<500).map(UInt32.init))
        let statistics = replay.statistics
        #expect(statistics.played == 500 && statistics.concealed == 0 && statistics.lateLossRate == 0)
        #expect(statistics.addedDelayMilliseconds(clockRate: 8000) < 25)
    }

    @Test("reordered packets are played in timestamp order, at most 2% missed while the jitter is learnt; a repeated one is dropped and counted")
    func reorderAndDuplicates() {
        // Up to 20 ms of jitter: packet 51 overtakes 50 within it; packet 80 arrives twice.
        var packets = stream(200, delay: { n in 240 + Int64((n * 7919) % 160) })
        (packets[50].arrival, packets[51].arrival) = (packets[51].arrival + 8, packets[51].arrival)
        packets.append(packets[80])
        packets[packets.count - 1].arrival += 40
        var replay = JitterReplay()
        replay.run(packets)
        #expect(zip(replay.numbers, replay.numbers.dropFirst()).allSatisfy { $0 < $1 })
        #expect(replay.numbers.contains(50) && replay.numbers.contains(51))
        // The buffer aims at 99% in time; its first seconds (a window being filled) miss a few.
        #expect(replay.unplayed(200).count <= 4)
        #expect(replay.statistics.duplicates == 1)
    }

    @Test("a lost packet is concealed, and the packet after it is handed over for FEC")
    func loss() {
        var replay = JitterReplay()
        // Up to 50 ms of jitter, the packets after the lost ones early: they are held when
        // the lost frames fall due.
        let packets = stream(300, delay: { n in n == 101 || n == 201 ? 240 : 240 + Int64((n * 7919) % 400) })
        replay.run(packets.filter { $0.number != 100 && $0.number != 200 })
        let unplayed = replay.unplayed(300)
        #expect(unplayed.contains(100) && unplayed.contains(200) && unplayed.count <= 5)
        #expect(replay.nextAfterMissing.contains(101) && replay.nextAfterMissing.contains(201))
    }

    @Test("a new SSRC, or a timestamp jump on the same one, starts the stream afresh: nothing is lost or late")
    func restarts() {
        var packets = stream(300)
        for index in 100..<200 {
            packets[index].ssrc = 99
            packets[index].timestamp = packets[index].timestamp &+ 123_456_789
        }
        for index in 200..<300 { packets[index].timestamp = packets[index].timestamp &+ 5_000_000 }
        var replay = JitterReplay()
        replay.run(packets)
        #expect(replay.numbers == (0..<300).map(UInt32.init))
        #expect(replay.statistics.late == 0 && replay.statistics.skipped == 0)
    }

    @Test("timestamps wrapping past 2^32 do not disturb playout")
    func wrap() {
        var replay = JitterReplay()
        replay.run(stream(200).map { packet in
            var packet = packet
            packet.timestamp = packet.timestamp &+ (UInt32.max - 160 * 100)
            return packet
        })
        #expect(replay.numbers == (0..<200).map(UInt32.init))
    }

    @Test("a sender clock 10% fast is followed by skipping about one frame in eleven, the delay staying small")
    func fastSender() {
        var replay = JitterReplay()
        replay.run(stream(3000, speed: 1.1, delay: { n in 240 + Int64((n * 7919) % 64) }))
        let statistics = replay.statistics
        let skippedShare = Double(statistics.skipped) / Double(statistics.arrived)
        #expect(skippedShare > 0.07 && skippedShare < 0.11)
        #expect(statistics.addedDelayMilliseconds(clockRate: 8000) < 50)
        #expect(statistics.late < 30)
        // Playout only moves forward.
        #expect(zip(replay.numbers, replay.numbers.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("a sender clock 10% slow is followed by concealed frames in between, nothing lost to lateness")
    func slowSender() {
        var replay = JitterReplay()
        replay.run(stream(3000, speed: 0.9, delay: { n in 240 + Int64((n * 7919) % 64) }))
        let statistics = replay.statistics
        #expect(statistics.concealmentRatio > 0.07 && statistics.concealmentRatio < 0.13)
        #expect(statistics.lateLossRate < 0.01)
        #expect(statistics.addedDelayMilliseconds(clockRate: 8000) < 50)
    }

    @Test("the delay follows the jitter: small for a quiet path, enough for 99% of packets on a noisy one")
    func adapts() {
        var quiet = JitterReplay()
        quiet.run(stream(2000, delay: { n in 240 + Int64((n * 7919) % 16) }))
        var noisy = JitterReplay()
        // Up to 100 ms of jitter, spread evenly.
        noisy.run(stream(2000, delay: { n in 240 + Int64((n * 7919) % 800) }))
        #expect(quiet.statistics.addedDelayMilliseconds(clockRate: 8000) < 25)
        #expect(noisy.statistics.addedDelayMilliseconds(clockRate: 8000) > 40)
        #expect(noisy.statistics.lateLossRate < 0.03)
    }

    @Test("a busy start (the first second's packets delayed, draining) and late ticks lose no packet and skip almost none")
    func busyStart() {
        // A steady sender whose first 50 packets waited behind a backlog that drains from 60 ms
        // to nothing, then ±1.5 ms of jitter; the loop runs ticks up to 15 ms late now and then.
        let packets = stream(500, delay: { n in 240 + (n < 50 ? Int64(480 * (50 - n) / 50) : 0) + Int64((n * 7919) % 24) - 12 })
        var replay = JitterReplay()
        replay.run(packets, lateness: { tick in tick % 7 == 3 ? Int64((tick * 104_729) % 120) : 0 })
        let statistics = replay.statistics
        #expect(statistics.late == 0)
        #expect(statistics.skipped <= 2, "skipped \(statistics.skipped)")
        #expect(statistics.lateLossRate < 0.01)
        // The backlog's 60 ms stays in the 30 s window's quantile: the delay holds it, no more.
        #expect(statistics.addedDelayMilliseconds(clockRate: 8000) < 100)
    }
}
