import Benchmark
import Foundation
import Media
import NIOCore
import NIOPosix
import Synchronization

/// The per-packet costs of the media engine: in-band DTMF detection on one 20 ms frame (how
/// many channels one core can watch), and G.711 packets relayed through a bridge of two RTP
/// sessions over loopback UDP (how many packets per second one media loop carries).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    // 20 ms frames of a key being pressed: every check of the detector runs.
    let keyTone: [Int16] = (0..<8000).map { index in
        let time = Double(index) / 8000
        return Int16(6000 * sin(2 * .pi * 852 * time) + 6000 * sin(2 * .pi * 1336 * time))
    }
    Benchmark("in-band DTMF detection, one 20 ms frame of a key") { benchmark in
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
    Benchmark("in-band DTMF detection, one 20 ms frame of noise") { benchmark in
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

    Benchmark(
        "G.711 bridge: 1,000 packets relayed over loopback UDP (one media loop)",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5))
    ) { benchmark in
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 42000...42009, threads: 1)
        let sender = try await Loopback.bind()
        let sink = try await Loopback.bind()
        let inbound = try await engine.openSession()
        let outbound = try await engine.openSession(near: inbound)
        inbound.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: sender.port, codec: .pcma, payloadType: 8, telephoneEventPayloadType: nil))
        outbound.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: sink.port, codec: .pcma, payloadType: 8, telephoneEventPayloadType: nil))
        try await inbound.bridge(with: outbound)
        var packet = [UInt8](repeating: 0xD5, count: 172)
        packet[0] = 0x80
        packet[1] = 8
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let target = sink.received + 1000
            for sequence in 0..<1000 {
                packet[2] = UInt8(truncatingIfNeeded: sequence >> 8)
                packet[3] = UInt8(truncatingIfNeeded: sequence)
                sender.send(packet, to: inbound.port)
                if sequence % 64 == 63 { try await Task.sleep(for: .microseconds(200)) }  // stay within the socket buffers
            }
            let deadline = ContinuousClock.now + .seconds(2)
            while sink.received < target - 10, ContinuousClock.now < deadline { try await Task.sleep(for: .microseconds(100)) }
        }
        benchmark.stopMeasurement()
        await inbound.close()
        await outbound.close()
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

    func send(_ bytes: [UInt8], to port: Int) {
        let address = try! SocketAddress(ipAddress: "127.0.0.1", port: port)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
    }
}
