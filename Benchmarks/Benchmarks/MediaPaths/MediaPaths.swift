import Benchmark
import Foundation
import Media
import NIOCore
import NIOPosix
import Synchronization

/// The per-packet costs of the media engine: in-band DTMF detection on one 20 ms frame (how
/// many channels one core can watch), Opus ↔ G.711 transcoding (how many legs), SRTP against libsrtp2 alone, and G.711 packets relayed through a bridge of two RTP
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

    // The conference mixer: every participant speaks each frame (the worst case), so each
    // tick takes N frames in, sums them and hands N mixes out. Figures are per tick.
    for participants in [3, 10, 100, 1000] {
        Benchmark(
            "conference mix, one 20 ms tick, \(participants) G.711 participants all speaking",
            configuration: .init(scalingFactor: participants >= 100 ? .one : .kilo)
        ) { benchmark in
            let state = MixerState()
            let ports = (0..<participants).map { _ in MixerPort() }
            state.ports = ports
            let speech = (0..<160).map { Int16(2000 * sin(Double($0) * 0.3)) }
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
    }

    // 100 bridges on one media loop, each far end sending in turn, as calls do (a socket
    // blasted alone would only measure its receive buffer). Counts what the far ends get back.
    Benchmark(
        "G.711 bridges: 2,000 packets relayed over loopback UDP, 100 bridges on one media loop",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5))
    ) { benchmark in
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 42000...43999, threads: 1)
        let sender = try await Loopback.bind()
        let sink = try await Loopback.bind()
        var inbound: [MediaSession] = []
        var sessions: [MediaSession] = []
        for _ in 0..<100 {
            let caller = try await engine.openSession()
            let callee = try await engine.openSession(near: caller)
            caller.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: sender.port, codec: .pcma, payloadType: 8, telephoneEventPayloadType: nil))
            callee.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: sink.port, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil))
            try await caller.bridge(with: callee)
            inbound.append(caller)
            sessions += [caller, callee]
        }
        var packet = [UInt8](repeating: 0xD5, count: 172)
        packet[0] = 0x80
        packet[1] = 8
        let ports = inbound.map(\.port)
        var relayed = 0
        var elapsed = Duration.zero
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let before = sink.received
            let started = ContinuousClock.now
            for round in 0..<20 {
                packet[3] = UInt8(truncatingIfNeeded: round)
                sender.send(packet, to: ports)
                try await Task.sleep(for: .microseconds(500))
            }
            let deadline = ContinuousClock.now + .seconds(2)
            while sink.received < before + 1990, ContinuousClock.now < deadline { try await Task.sleep(for: .microseconds(100)) }
            elapsed += ContinuousClock.now - started
            relayed += sink.received - before
        }
        benchmark.stopMeasurement()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        FileHandle.standardError.write(Data("relayed \(relayed) packets in \(seconds) s: \(Int(Double(relayed) / seconds)) packets/s end to end\n".utf8))
        for session in sessions { await session.close() }
        await engine.shutdown()
    }
}

/// A plain UDP socket on loopback that counts what it receives.
final class Loopback: Sendable {
    let channel: any Channel
    let count: Counter

    final class Counter: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let value = Atomic<Int>(0)
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            value.add(1, ordering: .relaxed)
        }
    }

    static func bind() async throws -> Loopback {
        let counter = Counter()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) } }
            .bind(host: "127.0.0.1", port: 0).get()
        return Loopback(channel: channel, count: counter)
    }

    init(channel: any Channel, count: Counter) {
        self.channel = channel
        self.count = count
    }

    var port: Int { channel.localAddress?.port ?? 0 }
    var received: Int { count.value.load(ordering: .relaxed) }

    /// Sends `bytes` to each port, in one hop onto the socket's event loop and one flush.
    func send(_ bytes: [UInt8], to ports: [Int]) {
        let channel = self.channel
        channel.eventLoop.execute {
            let buffer = channel.allocator.buffer(bytes: bytes)
            for port in ports {
                let address = try! SocketAddress(ipAddress: "127.0.0.1", port: port)
                channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
            }
            channel.flush()
        }
    }
}
