import Foundation
import NIOCore

/// The far end's audio on this side's clock, for what listens to it at the 20 ms ticks (the
/// conference mixer, the recorder, in-band DTMF, the silence detector): packets go into a
/// jitter buffer as they arrive, and each tick takes out one frame, decoded, with losses
/// concealed by Opus's own PLC (or rebuilt from the next packet's FEC), or for G.711 by the
/// last frame repeated at falling level, then silence. After an RFC 3389 comfort-noise packet
/// the far end's silence is filled with noise at the level it gave, until it speaks again. Relays to a bridged peer do not come
/// through here: they pass packets on as they arrive and leave the de-jittering to the far end.
final class ReceivedAudio {
    let buffer: JitterBuffer
    private let codec: MediaCodec
    private let frame: UnsafeMutableBufferPointer<Int16>
    private var concealedInRow = 0
    /// The amplitude of the comfort noise to play while the far end is silent (RFC 3389).
    private var noiseAmplitude: Int?
    private var noise = SystemRandomNumberGenerator()

    /// `sampleRate`: the session's audio rate, at which frames come out.
    init(codec: MediaCodec, sampleRate: Int) {
        self.codec = codec
        let opus = codec == .opus
        buffer = JitterBuffer(clockRate: codec.clockRate, frameUnits: opus ? 960 : 160, maximumPayload: opus ? OpusCodec.maximumPacketBytes : 320)
        frame = .allocate(capacity: sampleRate / 50)
        frame.initialize(repeating: 0)
    }

    deinit {
        frame.deallocate()
    }

    /// Whether a packet of `payload` fits the buffer's 20 ms grid (other packet sizes take the
    /// direct path).
    func accepts(_ payload: UnsafeRawBufferPointer) -> Bool {
        codec == .opus ? OpusCodec.rtpDuration(of: payload) == 960 : payload.count == SessionCore.frameSamples
    }

    func put(_ payload: UnsafeRawBufferPointer, timestamp: UInt32, ssrc: UInt32, at time: NIODeadline) {
        buffer.put(payload, timestamp: timestamp, ssrc: ssrc, arrival: units(time))
    }

    /// A comfort-noise packet: `level` is −dBov (0–127).
    func comfortNoise(level: Int) {
        // White noise of that RMS: uniform over ±√3 × RMS.
        noiseAmplitude = min(32767, Int(32767 * pow(10, -Double(level) / 20) * 3.0.squareRoot()))
    }

    /// The frame due at `now`, decoded (valid until the next call), or nil while there is none.
    func next(now: NIODeadline, opus: OpusCodec?) -> UnsafeBufferPointer<Int16>? {
        let popped = buffer.pop(now: units(now))
        if let noiseAmplitude {
            switch popped {
            case .packet: self.noiseAmplitude = nil
            case .idle, .missing:
                for index in 0..<frame.count { frame[index] = Int16(Int.random(in: -noiseAmplitude...noiseAmplitude, using: &noise)) }
                return UnsafeBufferPointer(frame)
            }
        }
        switch popped {
        case .idle:
            return nil
        case .packet(let payload):
            concealedInRow = 0
            if let opus {
                let count = opus.decode(payload, into: frame)
                return count == frame.count ? UnsafeBufferPointer(frame) : conceal(opus: opus, next: nil)
            }
            _ = G711.decode(payload, law: codec, into: frame)
            return UnsafeBufferPointer(frame)
        case .missing(let next):
            return conceal(opus: opus, next: next)
        }
    }

    private func conceal(opus: OpusCodec?, next: UnsafeRawBufferPointer?) -> UnsafeBufferPointer<Int16> {
        concealedInRow += 1
        if let opus {
            let count = next.map { opus.recover(lostBefore: $0, into: frame) } ?? opus.conceal(into: frame)
            if count != frame.count { frame.update(repeating: 0) }
        } else if concealedInRow > 3 {
            frame.update(repeating: 0)
        } else {
            // The last frame again at half its level each time: a fade, not a click.
            for index in 0..<frame.count { frame[index] /= 2 }
        }
        return UnsafeBufferPointer(frame)
    }

    /// `time` on the stream's RTP clock (microseconds first, so a long uptime cannot overflow).
    private func units(_ time: NIODeadline) -> Int64 {
        Int64(time.uptimeNanoseconds / 1000) * Int64(codec.clockRate) / 1_000_000
    }
}
