import Foundation
import Testing

@testable import Media

/// The payloads `far` received with `payloadType`, with their headers.
func rtpPackets(_ far: FarEnd, payloadType: UInt8) -> [(header: RTPHeader, payload: [UInt8])] {
    far.received.compactMap { bytes in
        bytes.withUnsafeBytes { raw in
            RTPHeader.parse(raw).flatMap { $0.header.payloadType == payloadType ? ($0.header, Array(bytes[$0.payload])) : nil }
        }
    }
}

@Suite("Opus in RTP sessions and bridges", .serialized)
struct OpusSessionTests {
    func opus(_ far: FarEnd) -> MediaParameters {
        MediaParameters(remoteHost: "127.0.0.1", remotePort: far.port, codec: .opus, payloadType: 111, telephoneEventPayloadType: 101)
    }

    @Test("an Opus session sends 20 ms frames 960 units apart and records what it receives, a lost packet filled in")
    func sendAndReceive() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41200...41219)
        let far = try await FarEnd()
        let session = try await engine.openSession()
        session.start(opus(far))
        session.play(sine(600, count: 8000), loops: 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("opus-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await session.record(to: path)
        let farEncoder = try #require(OpusCodec(sampleRate: 48000))
        let packets = opusPackets(sine(440, count: 48000, rate: 48000), codec: farEncoder)
        for (index, packet) in packets.enumerated() where index != 20 {
            try far.send(far.packet(payloadType: 111, sequence: UInt16(index), timestamp: UInt32(index * 960), payload: packet), to: session.port)
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(try await eventually { rtpPackets(far, payloadType: 111).count >= 50 })
        try await Task.sleep(for: .milliseconds(400))  // the jitter buffer plays the burst out at one frame a tick
        let duration = try #require(await session.stopRecording())
        // 50 packets sent, one lost and rebuilt: a whole second recorded, then up to five
        // frames concealed once the stream stopped (and a few inserted if a busy machine
        // delayed some packets of the burst more than the first).
        #expect(duration >= 1.0 && duration <= 1.3)
        let recorded = try WAVAudio(data: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(toneAmplitude(recorded.samples[4000...], frequency: 440) > 5000)

        let sent = rtpPackets(far, payloadType: 111)
        let stamps = sent.map(\.header.timestamp)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $1 == $0 &+ 960 })
        let farDecoder = try #require(OpusCodec(sampleRate: 8000))
        let heard = sent.prefix(50).flatMap { opusDecode($0.payload, codec: farDecoder) }
        #expect(toneAmplitude(heard[2000..<6000], frequency: 600) > 4000)
        await session.close()
        await engine.shutdown()
    }

    @Test("a bridge between an Opus leg and an A-law leg transcodes both ways")
    func transcodingBridge() async throws {
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 41220...41239, threads: 1)
        let (wideband, narrowband) = (try await FarEnd(), try await FarEnd())
        let first = try await engine.openSession()
        let second = try await engine.openSession(near: first)
        first.start(opus(wideband))
        second.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: narrowband.port, codec: .pcma, payloadType: 8, telephoneEventPayloadType: 101))
        try await first.bridge(with: second)
        let farEncoder = try #require(OpusCodec(sampleRate: 48000))
        let opusIn = opusPackets(sine(440, count: 48000, rate: 48000), codec: farEncoder)
        let alawIn = sine(1000, count: 8000).map(G711.encodeALaw)
        for index in 0..<50 {
            try wideband.send(wideband.packet(payloadType: 111, sequence: UInt16(index), timestamp: UInt32(index * 960), payload: opusIn[index]), to: first.port)
            let frame = Array(alawIn[(index * 160)..<(index * 160 + 160)])
            try narrowband.send(narrowband.packet(payloadType: 8, sequence: UInt16(index), timestamp: UInt32(index * 160), payload: frame), to: second.port)
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(try await eventually { rtpPackets(narrowband, payloadType: 8).count >= 50 && rtpPackets(wideband, payloadType: 111).count >= 50 })
        // The A-law side hears the 440 Hz sent in Opus; the Opus side hears the 1,000 Hz sent in A-law.
        let alawOut = rtpPackets(narrowband, payloadType: 8).flatMap { $0.payload.map { G711.alawToLinear[Int($0)] } }
        #expect(toneAmplitude(alawOut[4000...], frequency: 440) > 5000)
        let decoder = try #require(OpusCodec())
        let opusOut = rtpPackets(wideband, payloadType: 111).flatMap { opusDecode($0.payload, codec: decoder) }
        #expect(toneAmplitude(opusOut[4000...], frequency: 1000) > 5000)
        #expect(rtpPackets(wideband, payloadType: 111).allSatisfy { $0.payload.count < 200 })
        await first.close()
        await second.close()
        await engine.shutdown()
    }
}
