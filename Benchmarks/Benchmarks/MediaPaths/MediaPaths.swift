import Benchmark
import Foundation
import Media

/// The per-packet costs of the media engine: in-band DTMF detection on one 20 ms frame (how
/// many channels one core can watch), conference mixing, Opus ↔ G.711 transcoding (how many
/// legs), SRTP against libsrtp2 alone, and G.711 packets relayed through bridges of RTP
/// sessions over loopback UDP (how many packets per second one media loop carries).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    // 20 ms frames of a key being pressed: every check of the detector runs.
    let keyTone: [Int16] = (0..<8000).map { index in
        let time = Double(index) / 8000
        return Int16(6000 * sin(2 * .pi * 852 * time) + 6000 * sin(2 * .pi * 1336 * time))
    }
    Benchmark("in-band DTMF detection, one 20 ms frame of a key", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var detector = DTMFDetector()
        var found = 0
        keyTone.withUnsafeBufferPointer { tone in
            for iteration in benchmark.scaledIterations {
                let start = (iteration * 160) % (8000 - 160)
                detector.process(UnsafeBufferPointer(rebasing: tone[start..<start + 160])) { _ in found += 1 }
            }
        }
        blackHole(found)
    }

    // Speech-like noise: most windows stop at the first checks.
    var generator = SystemRandomNumberGenerator()
    let noise: [Int16] = (0..<8000).map { _ in Int16.random(in: -3000...3000, using: &generator) }
    Benchmark("in-band DTMF detection, one 20 ms frame of noise", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var detector = DTMFDetector()
        var found = 0
        noise.withUnsafeBufferPointer { audio in
            for iteration in benchmark.scaledIterations {
                let start = (iteration * 160) % (8000 - 160)
                detector.process(UnsafeBufferPointer(rebasing: audio[start..<start + 160])) { _ in found += 1 }
            }
        }
        blackHole(found)
    }

    transcodingBenchmarks()
    srtpBenchmarks()

    mixingBenchmarks()
    relayBenchmarks()
}
