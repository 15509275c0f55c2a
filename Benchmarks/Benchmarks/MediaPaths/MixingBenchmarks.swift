import Benchmark
import CMixFloor
import Foundation
import Media

/// The conference mixer with every participant speaking each frame (the worst case): the
/// whole tick as a room runs it (frames into the ports, the tick, mixes out of the ports), and
/// the arithmetic alone (levels, sum, each mix less its own frame, saturated) in Parley's Swift
/// and in plain C on the same frames. Figures are per tick.
func mixingBenchmarks() {
    let speech = (0..<160).map { Int16(2000 * sin(Double($0) * 0.3)) }
    for participants in [3, 10, 100, 1000] {
        let scaling: BenchmarkScalingFactor = participants >= 100 ? .one : .kilo
        Benchmark(
            "conference mix, one 20 ms tick, \(participants) G.711 participants all speaking",
            configuration: .init(scalingFactor: scaling)
        ) { benchmark in
            let state = MixerState()
            let ports = (0..<participants).map { _ in MixerPort() }
            state.ports = ports
            var frame = [Int16](repeating: 0, count: 160)
            state.tick()  // sizes the mixer's buffers
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                speech.withUnsafeBufferPointer { samples in for port in ports { port.hear(samples) } }
                state.tick()
                frame.withUnsafeMutableBufferPointer { buffer in for port in ports { _ = port.nextMix(into: buffer) } }
            }
            blackHole(frame)
        }

        // Each participant's frame differs (shifted speech), so neither loop can fold them.
        let frames = (0..<participants).flatMap { slot in (0..<160).map { speech[($0 + slot) % 160] } }
        arithmeticBenchmark("Swift", participants: participants, frames: frames, scaling: scaling) { frames, total, mixes in
            var levels = 0
            for slot in 0..<participants {
                let frame = UnsafeBufferPointer(rebasing: frames[(slot * 160)..<(slot * 160 + 160)])
                levels &+= MixArithmetic.level(frame)
                MixArithmetic.add(frame, to: total)
            }
            for slot in 0..<participants {
                let own = UnsafeBufferPointer(rebasing: frames[(slot * 160)..<(slot * 160 + 160)])
                let mix = UnsafeMutableBufferPointer(rebasing: mixes[(slot * 160)..<(slot * 160 + 160)])
                MixArithmetic.mix(UnsafeBufferPointer(total), minus: own, into: mix)
            }
            return levels
        }
        arithmeticBenchmark("plain C (-O2)", participants: participants, frames: frames, scaling: scaling) { frames, total, mixes in
            Int(mix_floor_tick(frames.baseAddress, Int32(participants), 160, total.baseAddress, mixes.baseAddress))
        }
    }
}

/// One tick of mixing arithmetic over `frames` (160 samples a participant), timed alone: `tick`
/// gets the frames, a zeroed sum and room for every mix, and gives the levels' total.
private func arithmeticBenchmark(
    _ language: String, participants: Int, frames: [Int16], scaling: BenchmarkScalingFactor,
    tick: @escaping @Sendable (UnsafeBufferPointer<Int16>, UnsafeMutableBufferPointer<Int32>, UnsafeMutableBufferPointer<Int16>) -> Int
) {
    Benchmark("mix arithmetic alone, one 20 ms tick, \(participants) participants: \(language)", configuration: .init(scalingFactor: scaling)) { benchmark in
        var total = [Int32](repeating: 0, count: 160)
        var mixes = [Int16](repeating: 0, count: participants * 160)
        var levels = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            frames.withUnsafeBufferPointer { frames in
                total.withUnsafeMutableBufferPointer { total in
                    mixes.withUnsafeMutableBufferPointer { mixes in
                        total.update(repeating: 0)
                        levels &+= tick(frames, total, mixes)
                    }
                }
            }
        }
        blackHole(levels)
        blackHole(mixes)
    }
}
