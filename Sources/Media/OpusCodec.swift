import COpus

/// Opus (RFC 6716, in RTP as RFC 7587) for one RTP session through libopus: one encoder and
/// one decoder working on PCM at the session's own rate (8 kHz in a narrowband call, 16 or
/// 48 kHz in a wideband one), while the RTP clock is 48 kHz whatever the audio bandwidth.
/// libopus converts between the two itself, so a bridge to G.711 needs no separate resampler.
/// What it sends carries in-band FEC, so a far end can rebuild a lost frame from the next
/// one; what it receives is concealed (PLC) or rebuilt from FEC when packets go missing.
/// Used on its session's event loop only.
public final class OpusCodec {
    /// The RTP timestamp rate of Opus, fixed by RFC 7587.
    public static let rtpClockRate = 48000
    /// The longest packet libopus can produce for one frame (its own recommendation).
    public static let maximumPacketBytes = 1275

    private let encoder: OpaquePointer
    private let decoder: OpaquePointer
    /// PCM samples per second on this side of the codec.
    public let sampleRate: Int
    /// PCM samples in one 20 ms frame at `sampleRate`.
    public var frameSamples: Int { sampleRate / 50 }

    /// Nil when libopus refuses the rate (it takes 8, 12, 16, 24 and 48 kHz). `complexity`
    /// 0–10 trades encoder CPU for quality; 5 keeps a speech call clear at half the cost of 10.
    public init?(sampleRate: Int = 8000, complexity: Int = 5) {
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(Int32(sampleRate), 1, OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            return nil
        }
        guard let decoder = opus_decoder_create(Int32(sampleRate), 1, &error), error == OPUS_OK else {
            opus_encoder_destroy(encoder)
            return nil
        }
        parley_opus_set_complexity(encoder, Int32(complexity))
        parley_opus_set_inband_fec(encoder, 1)
        // FEC is only spent when the encoder expects loss (a few percent is what phone
        // networks see) and the bitrate leaves room for it: libopus's own default for 8 kHz
        // (11 kb/s) is below the rate at which SILK adds FEC frames.
        parley_opus_set_packet_loss(encoder, 5)
        parley_opus_set_bitrate(encoder, Int32(min(64000, 16000 + sampleRate)))
        self.encoder = encoder
        self.decoder = decoder
        self.sampleRate = sampleRate
    }

    deinit {
        opus_encoder_destroy(encoder)
        opus_decoder_destroy(decoder)
    }

    /// Encodes one frame (2.5 to 60 ms of samples; 20 ms in calls) into `packet`; the packet's
    /// length, or 0 when libopus refuses the frame.
    public func encode(_ frame: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer) -> Int {
        guard let input = frame.baseAddress, let output = packet.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        return max(0, Int(opus_encode(encoder, input, Int32(frame.count), output, Int32(min(packet.count, Self.maximumPacketBytes)))))
    }

    /// Decodes a received packet into `samples`; how many samples it gave (0 for a packet
    /// libopus cannot read: it is dropped, never played as noise).
    public func decode(_ packet: UnsafeRawBufferPointer, into samples: UnsafeMutableBufferPointer<Int16>) -> Int {
        // libopus takes an empty packet as a lost one and conceals it.
        guard !packet.isEmpty else { return 0 }
        return decode(packet, into: samples, fec: false)
    }

    /// The frame lost just before `next`, rebuilt from the FEC data `next` carries (libopus
    /// conceals it when there is none). `samples.count` must be the lost frame's length.
    public func recover(lostBefore next: UnsafeRawBufferPointer, into samples: UnsafeMutableBufferPointer<Int16>) -> Int {
        decode(next, into: samples, fec: true)
    }

    /// A frame of concealment for a packet that never came (libopus's PLC).
    public func conceal(into samples: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let output = samples.baseAddress else { return 0 }
        return max(0, Int(opus_decode(decoder, nil, 0, output, Int32(samples.count), 0)))
    }

    private func decode(_ packet: UnsafeRawBufferPointer, into samples: UnsafeMutableBufferPointer<Int16>, fec: Bool) -> Int {
        guard let input = packet.baseAddress?.assumingMemoryBound(to: UInt8.self), let output = samples.baseAddress else { return 0 }
        return max(0, Int(opus_decode(decoder, input, Int32(packet.count), output, Int32(samples.count), fec ? 1 : 0)))
    }

    /// How many 48 kHz RTP timestamp units `packet` covers (0 when it is not Opus).
    public static func rtpDuration(of packet: UnsafeRawBufferPointer) -> Int {
        guard let bytes = packet.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        return max(0, Int(opus_packet_get_nb_samples(bytes, Int32(packet.count), Int32(rtpClockRate))))
    }
}
