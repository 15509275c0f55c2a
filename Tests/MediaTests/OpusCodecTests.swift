import Foundation
import Testing

@testable import Media

/// The amplitude of `frequency` in `samples` (a single DFT bin, normalised so a full-scale
/// sine of amplitude A gives about A).
func toneAmplitude(_ samples: some Collection<Int16>, frequency: Double, rate: Double = 8000) -> Double {
    var (real, imaginary) = (0.0, 0.0)
    for (index, sample) in samples.enumerated() {
        let phase = 2 * .pi * frequency * Double(index) / rate
        real += Double(sample) * cos(phase)
        imaginary += Double(sample) * sin(phase)
    }
    return 2 * (real * real + imaginary * imaginary).squareRoot() / Double(max(1, samples.count))
}

func sine(_ frequency: Double, count: Int, amplitude: Double = 8000, rate: Double = 8000, from start: Int = 0) -> [Int16] {
    (start..<(start + count)).map { Int16(amplitude * sin(2 * .pi * frequency * Double($0) / rate)) }
}

/// Encodes 20 ms frames of `samples` with `codec`, one packet each.
func opusPackets(_ samples: [Int16], codec: OpusCodec) -> [[UInt8]] {
    stride(from: 0, to: samples.count - codec.frameSamples + 1, by: codec.frameSamples).map { start in
        var packet = [UInt8](repeating: 0, count: OpusCodec.maximumPacketBytes)
        let length = samples[start..<(start + codec.frameSamples)].withContiguousStorageIfAvailable { frame in
            packet.withUnsafeMutableBytes { codec.encode(frame, into: $0) }
        }
        return Array(packet.prefix(length ?? 0))
    }
}

func opusDecode(_ packet: [UInt8], codec: OpusCodec, samples: Int = 160) -> [Int16] {
    var output = [Int16](repeating: 0, count: max(samples, 960))
    let count = packet.withUnsafeBytes { bytes in output.withUnsafeMutableBufferPointer { codec.decode(bytes, into: $0) } }
    return Array(output.prefix(count))
}

@Suite("Opus through libopus")
struct OpusCodecTests {
    @Test("a tone survives encoding and decoding at 8 and 16 kHz; each packet covers 960 RTP units")
    func roundTrip() throws {
        for rate in [8000, 16000] {
            let codec = try #require(OpusCodec(sampleRate: rate))
            let packets = opusPackets(sine(440, count: rate, rate: Double(rate)), codec: codec)
            #expect(packets.count == 50)
            #expect(packets.allSatisfy { !$0.isEmpty && $0.count < 200 })
            #expect(packets.allSatisfy { packet in packet.withUnsafeBytes { OpusCodec.rtpDuration(of: $0) } == 960 })
            let decoded = packets.flatMap { opusDecode($0, codec: codec, samples: rate / 50) }
            #expect(decoded.count == rate)
            // Past the codec's start-up, the tone is back at nearly its level, and nothing else is.
            let steady = decoded[(rate / 2)...]
            #expect(toneAmplitude(steady, frequency: 440, rate: Double(rate)) > 6000)
            #expect(toneAmplitude(steady, frequency: 1000, rate: Double(rate)) < 300)
        }
    }

    @Test("a lost frame is rebuilt from the next packet's FEC: the new tone it held comes back, not the old one continued")
    func forwardErrorCorrection() throws {
        let encoder = try #require(OpusCodec())
        // 300 ms of 440 Hz, then 1,000 Hz from frame 15 on.
        let audio = sine(440, count: 15 * 160) + sine(1000, count: 15 * 160, from: 15 * 160)
        let packets = opusPackets(audio, codec: encoder)
        let receiver = try #require(OpusCodec())
        for packet in packets[0..<15] { _ = opusDecode(packet, codec: receiver) }
        // Packet 15 (the first at 1,000 Hz) is lost; packet 16 carries it again.
        var rebuilt = [Int16](repeating: 0, count: 160)
        let count = packets[16].withUnsafeBytes { next in rebuilt.withUnsafeMutableBufferPointer { receiver.recover(lostBefore: next, into: $0) } }
        #expect(count == 160)
        #expect(toneAmplitude(rebuilt[80...], frequency: 1000) > 2000)
        #expect(toneAmplitude(rebuilt[80...], frequency: 1000) > 3 * toneAmplitude(rebuilt[80...], frequency: 440))

        // Concealment instead (no next packet) carries the old tone on.
        let concealer = try #require(OpusCodec())
        for packet in packets[0..<15] { _ = opusDecode(packet, codec: concealer) }
        var concealed = [Int16](repeating: 0, count: 160)
        #expect(concealed.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) } == 160)
        #expect(toneAmplitude(concealed, frequency: 440) > toneAmplitude(concealed, frequency: 1000))
    }

    @Test("garbage is refused, not played")
    func garbage() throws {
        let codec = try #require(OpusCodec())
        // A TOC byte announcing code-3 framing with a frame count of zero: malformed.
        #expect(opusDecode([0x03, 0x00], codec: codec).isEmpty)
        #expect(opusDecode([], codec: codec).isEmpty)
        #expect(OpusCodec(sampleRate: 11025) == nil)
    }
}
