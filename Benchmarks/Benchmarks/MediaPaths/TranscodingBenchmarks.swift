import Benchmark
import Foundation
import Media

/// Opus ↔ G.711 for one bridged leg, one 20 ms frame each way, as a session does it: an Opus
/// packet from a 48 kHz far end decoded at 8 kHz and encoded to A-law, and an A-law frame
/// decoded and encoded into Opus. Beside it, libopus alone at 48 kHz and complexity 10 (an
/// encode and a decode of 20 ms), the reference the issue quotes.
func transcodingBenchmarks() {
    // Speech-like audio at 48 kHz: three partials whose loudness comes and goes.
    let wideband: [Int16] = (0..<48000).map { index in
        let time = Double(index) / 48000
        let envelope = 0.5 + 0.5 * sin(2 * .pi * 3 * time)
        return Int16(envelope * (4000 * sin(2 * .pi * 220 * time) + 2500 * sin(2 * .pi * 660 * time) + 1200 * sin(2 * .pi * 2500 * time)))
    }
    let farEnd = OpusCodec(sampleRate: 48000)!
    let packets: [[UInt8]] = (0..<50).map { frame in
        var packet = [UInt8](repeating: 0, count: OpusCodec.maximumPacketBytes)
        let length = wideband[(frame * 960)..<(frame * 960 + 960)].withContiguousStorageIfAvailable { samples in
            packet.withUnsafeMutableBytes { farEnd.encode(samples, into: $0) }
        }!
        return Array(packet.prefix(length))
    }
    let alaw: [UInt8] = Resampler.convert(wideband, from: 48000, to: 8000).map(G711.encodeALaw)

    for complexity in [5, 10] {
        Benchmark(
            "Opus 48 kHz ↔ G.711 transcoding, one leg, 20 ms each way (complexity \(complexity))",
            configuration: .init(scalingFactor: .kilo)
        ) { benchmark in
            let codec = OpusCodec(sampleRate: 8000, complexity: complexity)!
            var pcm = [Int16](repeating: 0, count: 960)
            var outgoingALaw = [UInt8](repeating: 0, count: 160)
            var outgoingOpus = [UInt8](repeating: 0, count: OpusCodec.maximumPacketBytes)
            benchmark.startMeasurement()
            for iteration in benchmark.scaledIterations {
                let frame = iteration % 50
                pcm.withUnsafeMutableBufferPointer { samples in
                    // Opus in, A-law out.
                    let count = packets[frame].withUnsafeBytes { codec.decode($0, into: samples) }
                    for index in 0..<count { outgoingALaw[index] = G711.encodeALaw(samples[index]) }
                    // A-law in, Opus out.
                    for index in 0..<160 { samples[index] = G711.alawToLinear[Int(alaw[frame * 160 + index])] }
                    _ = outgoingOpus.withUnsafeMutableBytes { codec.encode(UnsafeBufferPointer(rebasing: samples[0..<160]), into: $0) }
                }
            }
            benchmark.stopMeasurement()
            blackHole(outgoingALaw)
            blackHole(outgoingOpus)
        }
    }

    // An Opus room (8 kHz inside): each tick every participant's packet is decoded into its
    // port, the mixer runs, and every participant's mix is encoded into Opus (complexity 5,
    // as sessions do), each with its own encoder, except the silent ones: the room encodes
    // their common mix once and each takes that packet. Figures are per tick.
    let silentPacket: [UInt8] = {
        let encoder = OpusCodec(sampleRate: 48000)!
        var packet = [UInt8](repeating: 0, count: OpusCodec.maximumPacketBytes)
        let quiet = [Int16](repeating: 0, count: 960)
        let length = quiet.withUnsafeBufferPointer { samples in packet.withUnsafeMutableBytes { encoder.encode(samples, into: $0) } }
        return Array(packet.prefix(length))
    }()
    for (participants, speaking) in [(3, 3), (10, 10), (50, 50), (50, 3)] {
        let who = speaking == participants ? "all speaking" : "\(speaking) speaking, \(participants - speaking) silent sharing one encoding"
        Benchmark("conference mix, one 20 ms tick, \(participants) Opus participants, \(who): decode + mix + encode") { benchmark in
            let state = MixerState()
            let ports = (0..<participants).map { _ in MixerPort() }
            for port in ports { port.sharedEncoding.store(.opus, ordering: .relaxed) }
            state.ports = ports
            let codecs = (0..<participants).map { _ in OpusCodec(sampleRate: 8000, complexity: 5)! }
            var pcm = [Int16](repeating: 0, count: 960)
            var outgoing = [UInt8](repeating: 0, count: OpusCodec.maximumPacketBytes)
            var shared = [UInt8](repeating: 0, count: 256)
            state.tick()  // sizes the mixer's buffers
            benchmark.startMeasurement()
            for iteration in benchmark.scaledIterations {
                pcm.withUnsafeMutableBufferPointer { samples in
                    for (index, codec) in codecs.enumerated() {
                        let packet = index < speaking ? packets[(iteration + index) % 50] : silentPacket
                        let count = packet.withUnsafeBytes { codec.decode($0, into: samples) }
                        ports[index].hear(UnsafeBufferPointer(rebasing: samples[0..<count]))
                    }
                    state.tick()
                    let frame = UnsafeMutableBufferPointer(rebasing: samples[0..<160])
                    for (index, codec) in codecs.enumerated() {
                        let encoded = shared.withUnsafeMutableBytes { ports[index].nextMix(into: frame, encoded: $0) }
                        if encoded == 0 { _ = outgoing.withUnsafeMutableBytes { codec.encode(UnsafeBufferPointer(frame), into: $0) } }
                    }
                }
            }
            benchmark.stopMeasurement()
            blackHole(outgoing)
        }
    }

    Benchmark("libopus alone: 20 ms encoded and decoded at 48 kHz, complexity 10", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let codec = OpusCodec(sampleRate: 48000, complexity: 10)!
        var pcm = [Int16](repeating: 0, count: 960)
        var packet = [UInt8](repeating: 0, count: OpusCodec.maximumPacketBytes)
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            let frame = iteration % 50
            let length = wideband[(frame * 960)..<(frame * 960 + 960)].withContiguousStorageIfAvailable { samples in
                packet.withUnsafeMutableBytes { codec.encode(samples, into: $0) }
            }!
            _ = pcm.withUnsafeMutableBufferPointer { samples in
                packet.withUnsafeBytes { codec.decode(UnsafeRawBufferPointer(rebasing: $0[0..<length]), into: samples) }
            }
        }
        benchmark.stopMeasurement()
        blackHole(pcm)
    }
}
