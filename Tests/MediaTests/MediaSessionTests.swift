import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Media

/// A far end on loopback: a UDP socket that keeps every datagram it receives and can send.
final class FarEnd: Sendable {
    let channel: any Channel
    let inbox: Inbox

    /// What the far end received, shared with its channel handler.
    final class Inbox: Sendable {
        let packets = Mutex<[[UInt8]]>([])
    }

    init() async throws {
        let inbox = Inbox()
        channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.inbox = inbox
    }

    var received: [[UInt8]] { inbox.packets.withLock { $0 } }

    var port: Int { channel.localAddress?.port ?? 0 }

    func send(_ bytes: [UInt8], to port: Int) throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    func packet(payloadType: UInt8, sequence: UInt16, timestamp: UInt32, payload: [UInt8], marker: Bool = false) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: RTPHeader.size) + payload
        let header = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: 42)
        bytes.withUnsafeMutableBytes { header.write(to: $0) }
        return bytes
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: Inbox

        init(inbox: Inbox) {
            self.inbox = inbox
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(buffer: unwrapInboundIn(data).data)
            inbox.packets.withLock { $0.append(bytes) }
        }
    }
}

/// Whether `condition` holds within `seconds`, checked every 20 ms: the sessions' counters and
/// the far ends' sockets announce nothing, so the tests poll them (a condition read from the
/// session's loop is an `await`).
func eventually(_ seconds: Double = 5, _ condition: () async -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

@Suite("RTP sessions", .serialized)
struct MediaSessionTests {
    func parameters(_ far: FarEnd, codec: MediaCodec = .pcmu) -> MediaParameters {
        MediaParameters(remoteHost: "127.0.0.1", remotePort: far.port, codec: codec, payloadType: codec == .pcmu ? 0 : 8, telephoneEventPayloadType: 101)
    }

    @Test("played audio goes out as 20 ms G.711 frames with running sequence numbers and timestamps")
    func playback() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41000...41019)
        let far = try await FarEnd()
        let session = try await engine.openSession()
        session.start(parameters(far, codec: .pcma))
        let tone = (0..<1600).map { Int16(6000 * sin(Double($0) * 2 * .pi * 400 / 8000)) }
        session.play(tone)
        var finished = false
        for await event in session.events {
            if event == .playbackFinished {
                finished = true
                break
            }
        }
        #expect(finished)
        let packets = far.received.compactMap { bytes in
            bytes.withUnsafeBytes { raw in RTPHeader.parse(raw).map { ($0.header, Array(bytes[$0.payload])) } }
        }
        #expect(packets.allSatisfy { $0.0.payloadType == 8 && $0.1.count == 160 })
        let sequences = packets.map(\.0.sequenceNumber)
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
        let stamps = packets.map(\.0.timestamp)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $1 == $0 &+ 160 })
        // The tone is in there, whole, between the silence frames (its first sample, 0, is silent too).
        let silence = G711.encodeALaw(0)
        let sentBytes = packets.flatMap(\.1)
        let toneBytes = tone.map(G711.encodeALaw)
        let start = try #require(sentBytes.firstIndex { $0 != silence })
        let toneStart = try #require(toneBytes.firstIndex { $0 != silence })
        #expect(Array(sentBytes[start..<min(sentBytes.count, start + 1600 - toneStart)]) == Array(toneBytes[toneStart...]))
        await session.close()
        await engine.shutdown()
    }

    @Test("keys that give no SRTP context stop the session's packets: nothing goes out in clear")
    func srtpFailsClosed() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41020...41039)
        let secureFar = try await FarEnd()
        let brokenFar = try await FarEnd()
        let key = (0..<30).map { UInt8($0) }
        var secure = parameters(secureFar, codec: .pcma)
        secure.srtp = (.aesCM128HMACSHA1_80, key, key)
        var broken = parameters(brokenFar, codec: .pcma)
        broken.srtp = (.aesCM128HMACSHA1_80, Array(key.prefix(12)), key)
        #expect(secure.canProtect)
        #expect(!broken.canProtect)
        let tone = (0..<800).map { Int16(6000 * sin(Double($0) * 2 * .pi * 400 / 8000)) }
        var sessions: [MediaSession] = []
        for chosen in [secure, broken] {
            let session = try await engine.openSession()
            session.start(chosen)
            session.play(tone)
            sessions.append(session)
        }
        for session in sessions {
            for await event in session.events where event == .playbackFinished { break }
        }
        // The protected stream arrived whole (a 10-byte tag after each 172-byte packet) ...
        #expect(try await eventually { secureFar.received.count >= 5 })
        #expect(secureFar.received.allSatisfy { $0.count == RTPHeader.size + 160 + 10 })
        // ... and the session with unusable keys sent nothing at all.
        #expect(brokenFar.received.isEmpty)
        #expect(await sessions[1].quality().packetsSent == 0)
        for session in sessions { await session.close() }
        await engine.shutdown()
    }

    @Test("RFC 4733 keys become events; received audio is recorded; the far end's address is latched")
    func digitsAndRecording() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41020...41039)
        let far = try await FarEnd()
        let session = try await engine.openSession()
        // A softphone's SDP names another port than its NAT sends from: symmetric RTP follows
        // where its packets come from, any port of its signalling address.
        var parameters = MediaParameters(remoteHost: "127.0.0.1", remotePort: 9, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101)
        parameters.signallingHost = "127.0.0.1"
        session.start(parameters)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await session.record(to: path)
        let tone = (0..<4000).map { Int16(8000 * sin(Double($0) * 2 * .pi * 300 / 8000)) }
        for frame in 0..<25 {
            let payload = tone[(frame * 160)..<(frame * 160 + 160)].map(G711.encodeULaw)
            try far.send(far.packet(payloadType: 0, sequence: UInt16(frame), timestamp: UInt32(frame * 160), payload: payload), to: session.port)
        }
        for (index, key) in ["7", "#"].enumerated() {
            for packet in 0..<4 {
                var event = [UInt8](repeating: 0, count: 4)
                let code = TelephoneEvent.code(of: Character(key))!
                event.withUnsafeMutableBytes {
                    TelephoneEvent(event: code, isEnd: packet == 3, duration: UInt16(160 * (packet + 1))).write(to: $0)
                }
                try far.send(far.packet(payloadType: 101, sequence: UInt16(100 + index * 4 + packet), timestamp: UInt32(10_000 * (index + 1)), payload: event), to: session.port)
            }
        }
        var keys = ""
        for await event in session.events {
            if case .digit(let key) = event { keys.append(key) }
            if keys.count == 2 { break }
        }
        #expect(keys == "7#")
        #expect(try await eventually { far.received.count > 3 })  // it answers the latched address
        // The burst of 25 packets plays out of the jitter buffer at one frame a tick.
        try await Task.sleep(for: .milliseconds(800))
        let duration = try #require(await session.stopRecording())
        // All of it, then up to five frames concealed once the stream stopped (and a few
        // inserted if a busy machine delayed part of the burst).
        #expect(duration >= 0.5 && duration <= 0.7)
        let recorded = try WAVAudio(data: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(recorded.samples.count >= 4000)
        // Every 20 ms of the tone is there, in order (G.711's rounding aside); a frame the
        // jitter buffer inserted, had a busy machine delayed part of the burst, may sit between.
        func matches(_ frame: ArraySlice<Int16>, _ original: ArraySlice<Int16>) -> Bool {
            zip(frame, original).allSatisfy { abs(Int($0) - Int($1)) <= 8000 / 16 + 16 }
        }
        var position = 0
        var found = 0
        for start in stride(from: 0, to: tone.count, by: 160) {
            while position + 160 <= recorded.samples.count, !matches(recorded.samples[position..<(position + 160)], tone[start..<(start + 160)]) {
                position += 160
            }
            if position + 160 <= recorded.samples.count {
                found += 1
                position += 160
            }
        }
        // All 25, or 24 when a tick came late on a busy machine and the buffer, a frame behind
        // its delay estimate, skipped one to catch up (as it must for a fast sender).
        #expect(found >= 24)
        await session.close()
        await engine.shutdown()
    }

    @Test("after a comfort-noise packet the far end's silence is heard as noise at the level it gave, until it speaks again")
    func comfortNoise() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41040...41059)
        let far = try await FarEnd()
        let session = try await engine.openSession()
        session.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: far.port, codec: .pcma, payloadType: 8, telephoneEventPayloadType: nil, comfortNoisePayloadType: 13))
        _ = await session.quality()  // runs on the session's loop after `start`: no packet below arrives before it
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cn-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await session.record(to: path)
        let tone = (0..<1600).map { G711.encodeALaw(Int16(8000 * sin(Double($0) * 2 * .pi * 300 / 8000))) }
        for frame in 0..<10 {
            try far.send(far.packet(payloadType: 8, sequence: UInt16(frame), timestamp: UInt32(frame * 160), payload: Array(tone[(frame * 160)..<(frame * 160 + 160)])), to: session.port)
            try await Task.sleep(for: .milliseconds(20))
        }
        // Silence at −40 dBov: an RMS of about 328.
        try far.send(far.packet(payloadType: 13, sequence: 10, timestamp: 1600, payload: [40]), to: session.port)
        try await Task.sleep(for: .milliseconds(600))
        _ = await session.stopRecording()
        let samples = try WAVAudio(data: Data(contentsOf: URL(fileURLWithPath: path))).samples
        #expect(samples.count >= 8 * 160 + 20 * 160)
        // Well after the tone: noise, neither silence nor the tone.
        let quiet = samples[(samples.count - 10 * 160)...].map { Double($0) }
        let rms = (quiet.map { $0 * $0 }.reduce(0, +) / Double(quiet.count)).squareRoot()
        #expect(rms > 200 && rms < 500)
        await session.close()
        await engine.shutdown()
    }

    @Test("only the SDP's address latches: a stranger's packets are dropped and counted, before and after; a new address from signalling is followed")
    func latching() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41050...41059)
        let caller = try await FarEnd()
        let stranger = try await FarEnd()
        let session = try await engine.openSession()
        session.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: caller.port, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil))
        _ = await session.quality()  // runs on the session's loop after `start`
        let silence = [UInt8](repeating: 0xFF, count: 160)
        // The stranger sprays first: nothing latches to it and nothing is sent to it.
        for sequence in 0..<5 {
            try stranger.send(stranger.packet(payloadType: 0, sequence: UInt16(sequence), timestamp: 160 * UInt32(sequence), payload: silence), to: session.port)
        }
        #expect(try await eventually { await session.quality().strangerPackets == 5 })
        // The caller, at the SDP's address, is heard and answered.
        for sequence in 1...3 {
            try caller.send(caller.packet(payloadType: 0, sequence: UInt16(sequence), timestamp: 160 * UInt32(sequence), payload: silence), to: session.port)
        }
        #expect(try await eventually { await session.quality().packetsReceived == 3 })
        #expect(try await eventually { caller.received.count > 2 })
        try stranger.send(stranger.packet(payloadType: 0, sequence: 7, timestamp: 999, payload: silence), to: session.port)
        try await Task.sleep(for: .milliseconds(200))
        #expect(stranger.received.isEmpty)  // the stranger's packets never took the audio away
        // A re-INVITE moves the call to the stranger's address: Parley follows it.
        session.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: stranger.port, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil))
        #expect(try await eventually { stranger.received.count > 2 })
        await session.close()
        await engine.shutdown()
    }

    @Test("a far end that sends nothing times out; closing returns the port, even after many sessions")
    func timeoutAndPorts() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41040...41049, rtpTimeout: .seconds(1))
        let far = try await FarEnd()
        let session = try await engine.openSession()
        session.start(parameters(far))
        var timedOut = false
        for await event in session.events where event == .rtpTimeout {
            timedOut = true
            break
        }
        #expect(timedOut)
        await session.close()
        #expect(engine.ports.available == engine.ports.capacity)
        for _ in 0..<200 {
            let next = try await engine.openSession()
            await next.close()
        }
        #expect(engine.ports.available == engine.ports.capacity)
        // A session closed twice gives its port back once; a port given twice is lent once.
        let twice = try await engine.openSession()
        await twice.close()
        await twice.close()
        engine.ports.give(twice.port)
        #expect(engine.ports.available == engine.ports.capacity)
        await engine.shutdown()
    }
}

@Suite("Bridged sessions", .serialized)
struct MediaBridgeTests {
    @Test("a bridge relays each far end's audio to the other at once, re-encoding μ-law to A-law, and stops when unbridged")
    func relay() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41100...41119, threads: 2)
        let (caller, callee) = (try await FarEnd(), try await FarEnd())
        let first = try await engine.openSession()
        let second = try await engine.openSession(near: first)
        first.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: caller.port, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101))
        second.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: callee.port, codec: .pcma, payloadType: 8, telephoneEventPayloadType: 101))
        try await first.bridge(with: second)
        let speech = (0..<160).map { G711.encodeULaw(Int16(8000 * sin(Double($0) * 2 * .pi * 300 / 8000))) }
        for sequence in 0..<5 {
            try caller.send(caller.packet(payloadType: 0, sequence: UInt16(sequence), timestamp: UInt32(sequence * 160), payload: speech), to: first.port)
            try callee.send(callee.packet(payloadType: 8, sequence: UInt16(sequence), timestamp: UInt32(sequence * 160), payload: [UInt8](repeating: 0xD5, count: 160)), to: second.port)
            try await Task.sleep(for: .milliseconds(20))
        }
        func relayed(_ far: FarEnd, payloadType: UInt8) -> [[UInt8]] {
            far.received.compactMap { bytes in
                bytes.withUnsafeBytes { raw in RTPHeader.parse(raw).flatMap { $0.header.payloadType == payloadType ? Array(bytes[$0.payload]) : nil } }
            }
        }
        let expected = speech.map { G711.ulawToALaw[Int($0)] }
        #expect(try await eventually { relayed(callee, payloadType: 8).filter { $0 == expected }.count == 5 })
        #expect(try await eventually { relayed(caller, payloadType: 0).filter { $0 == [UInt8](repeating: G711.alawToULaw[0xD5], count: 160) }.count == 5 })
        // While bridged a session's own clock is silent: from the first relayed packet on,
        // only relayed packets went out (a tick between `start` and `bridge` may send silence).
        let sent = relayed(callee, payloadType: 8)
        #expect(sent.drop { $0 != expected }.allSatisfy { $0 == expected })

        await first.unbridge()
        let before = callee.received.count
        #expect(try await eventually { callee.received.count > before + 3 })  // its clock sends again (silence)
        await first.close()
        await second.close()
        await engine.shutdown()
    }

    @Test("after a pause in what a bridge relays, the timestamp moves on by the time that passed and the marker is set")
    func relayAfterPause() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41120...41139, threads: 1)
        let (caller, callee) = (try await FarEnd(), try await FarEnd())
        let first = try await engine.openSession()
        let second = try await engine.openSession(near: first)
        first.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: caller.port, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil))
        second.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: callee.port, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil))
        try await first.bridge(with: second)
        let speech = [UInt8](repeating: 0x7A, count: 160)
        for sequence in 0..<6 {
            if sequence == 3 { try await Task.sleep(for: .milliseconds(600)) }  // the caller says nothing
            try caller.send(caller.packet(payloadType: 0, sequence: UInt16(sequence), timestamp: UInt32(sequence * 160), payload: speech), to: first.port)
            try await Task.sleep(for: .milliseconds(20))
        }
        func relayed() -> [RTPHeader] {
            callee.received.compactMap { bytes in
                bytes.withUnsafeBytes { raw in RTPHeader.parse(raw).flatMap { Array(bytes[$0.payload]) == speech ? $0.header : nil } }
            }
        }
        #expect(try await eventually { relayed().count == 6 })
        let headers = relayed()
        let steps = zip(headers, headers.dropFirst()).map { $1.timestamp &- $0.timestamp }
        #expect(steps[0] == 160 && steps[1] == 160 && steps[3] == 160 && steps[4] == 160)
        #expect(steps[2] >= 4000 && steps[2] % 160 == 0)  // 600 ms passed: at least 500 ms of it counted, on the frame grid
        #expect(headers[3].marker && !headers[4].marker)
        await first.close()
        await second.close()
        await engine.shutdown()
    }
}
