import Benchmark
import CSpeexJitter
import Foundation
import Media

/// Replays the packet traces of Fixtures/jitter through Parley's `JitterBuffer` and through
/// speexdsp's, tick by tick on one simulated 20 ms clock, and prints for each the share of
/// arrived packets not played (late or dropped), the delay the buffer added (from a
/// packet's arrival to its playout) and the share of ticks concealed. The timed benchmarks
/// are Parley's replays (per trace of 3,000 packets).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(2))
    let traces = Trace.all()
    // The comparison, printed once by a one-iteration benchmark of its own.
    Benchmark("Parley and speexdsp on every trace (comparison printed)", configuration: .init(maxIterations: 1)) { _ in
        var report = "trace            buffer     not played   added delay (mean / p95)   concealed\n"
        for trace in traces {
            for (name, result) in [("Parley", replay(trace, through: ParleyPlayout())), ("speexdsp", replay(trace, through: SpeexPlayout()))] {
                report += trace.name.padding(toLength: 17, withPad: " ", startingAt: 0) + name.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + String(
                        format: "%6.2f%%      %6.1f / %6.1f ms           %6.2f%%\n", result.notPlayed * 100,
                        result.meanDelay, result.p95Delay, result.concealed * 100)
            }
        }
        FileHandle.standardError.write(Data(report.utf8))
    }

    for trace in traces {
        Benchmark("Parley jitter buffer, replay of \(trace.name) (\(trace.packets.count) packets)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(replay(trace, through: ParleyPlayout())) }
        }
    }
}

/// One trace: the packets that reached the receiver, in arrival order.
struct Trace: Sendable {
    struct Packet: Sendable {
        var sequence: UInt16
        var timestamp: UInt32
        /// Arrival on the receiver's clock, in 8 kHz units.
        var arrival: Int64
    }

    let name: String
    let packets: [Packet]

    static func all() -> [Trace] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Fixtures/jitter").standardized
        return ["steady", "bursty", "loss-drift", "loss-drift-slow", "netem"].map { name in
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name + ".csv"), encoding: .utf8) else {
                fatalError("no trace \(name).csv in \(folder.path): run Fixtures/jitter/make_traces.py")
            }
            let packets = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> Packet? in
                let fields = line.split(separator: ",").compactMap { Int64($0) }
                guard fields.count == 3 else { return nil }
                return Packet(sequence: UInt16(truncatingIfNeeded: fields[0]), timestamp: UInt32(truncatingIfNeeded: fields[1]), arrival: fields[2] * 8 / 1000)
            }
            return Trace(name: name, packets: packets)
        }
    }
}

/// A playout buffer under test: packets in (carrying their index in the trace), and at each
/// tick the index of the packet played, or nil for a concealed (or idle) tick.
protocol Playout {
    mutating func put(_ packet: Trace.Packet, index: Int)
    /// nil: nothing played; `started` says whether playout has begun.
    mutating func tick(now: Int64) -> (played: Int?, started: Bool)
}

/// Per trace: the share of arrived packets not played (too late, or dropped to follow the
/// sender's clock or on overflow: the two buffers do not tell these apart alike, so they are
/// counted together), the delay from arrival to playout of those played, and the share of
/// ticks (from the first played to the last) that had nothing to play.
struct Result {
    var notPlayed: Double
    var meanDelay: Double
    var p95Delay: Double
    var concealed: Double
}

func replay(_ trace: Trace, through buffer: some Playout) -> Result {
    var buffer = buffer
    guard let start = trace.packets.first?.arrival, let end = trace.packets.last?.arrival else {
        return Result(notPlayed: 0, meanDelay: 0, p95Delay: 0, concealed: 0)
    }
    var next = 0
    var delays: [Int64] = []
    var (ticks, concealed, lastPlayedTick) = (0, 0, 0)
    var now = start
    while now <= end + 8000 {
        while next < trace.packets.count, trace.packets[next].arrival <= now {
            buffer.put(trace.packets[next], index: next)
            next += 1
        }
        let (played, started) = buffer.tick(now: now)
        if started {
            ticks += 1
            if let played {
                delays.append(now - trace.packets[played].arrival)
                lastPlayedTick = ticks
            } else {
                concealed += 1
            }
        }
        now += 160
    }
    // Ticks after the last packet played are the end of the trace, not concealment.
    concealed -= ticks - lastPlayedTick
    ticks = lastPlayedTick
    delays.sort()
    let mean = delays.isEmpty ? 0 : Double(delays.reduce(0, +)) / Double(delays.count) / 8
    let p95 = delays.isEmpty ? 0 : Double(delays[delays.count * 95 / 100]) / 8
    return Result(
        notPlayed: 1 - Double(delays.count) / Double(trace.packets.count), meanDelay: mean, p95Delay: p95,
        concealed: ticks == 0 ? 0 : Double(concealed) / Double(ticks))
}

/// Parley's buffer; each packet's payload is its index in the trace.
struct ParleyPlayout: Playout {
    let buffer = JitterBuffer(clockRate: 8000, frameUnits: 160)
    var started = false

    mutating func put(_ packet: Trace.Packet, index: Int) {
        withUnsafeBytes(of: UInt32(index)) { buffer.put($0, timestamp: packet.timestamp, ssrc: 1, arrival: packet.arrival) }
    }

    mutating func tick(now: Int64) -> (played: Int?, started: Bool) {
        switch buffer.pop(now: now) {
        case .idle: return (nil, started)
        case .packet(let bytes):
            started = true
            return (Int(bytes.loadUnaligned(as: UInt32.self)), true)
        case .missing: return (nil, started)
        }
    }
}

/// speexdsp's buffer, driven as its documentation says: put on arrival, get then tick every 20 ms.
struct SpeexPlayout: Playout {
    final class State {
        let buffer = jitter_buffer_init(160)!
        deinit { jitter_buffer_destroy(buffer) }
    }
    let state = State()
    var started = false
    var scratch = [CChar](repeating: 0, count: 64)

    mutating func put(_ packet: Trace.Packet, index: Int) {
        scratch.withUnsafeMutableBufferPointer { data in
            var incoming = JitterBufferPacket(
                data: data.baseAddress, len: 4, timestamp: packet.timestamp, span: 160, sequence: packet.sequence, user_data: UInt32(index))
            jitter_buffer_put(state.buffer, &incoming)
        }
    }

    mutating func tick(now: Int64) -> (played: Int?, started: Bool) {
        var played: Int?
        scratch.withUnsafeMutableBufferPointer { data in
            var outgoing = JitterBufferPacket(data: data.baseAddress, len: UInt32(data.count), timestamp: 0, span: 0, sequence: 0, user_data: 0)
            var offset: Int32 = 0
            if jitter_buffer_get(state.buffer, &outgoing, 160, &offset) == JITTER_BUFFER_OK {
                played = Int(outgoing.user_data)
            }
        }
        jitter_buffer_tick(state.buffer)
        if played != nil { started = true }
        return (played, started)
    }
}
