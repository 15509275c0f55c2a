import Media
import SDP

extension MediaParameters {
    /// What the media engine needs from an offer/answer: nil for a codec it cannot handle.
    init?(_ negotiated: NegotiatedMedia) {
        let codec: MediaCodec
        switch negotiated.codec {
        case .pcmu: codec = .pcmu
        case .pcma: codec = .pcma
        case .opus: codec = .opus
        case .telephoneEvent, .comfortNoise: return nil
        }
        self.init(
            remoteHost: negotiated.remoteAddress, remotePort: negotiated.remotePort, codec: codec,
            payloadType: UInt8(negotiated.payloadType),
            telephoneEventPayloadType: negotiated.telephoneEventPayloadType.map { UInt8($0) },
            sends: negotiated.direction == .sendrecv || negotiated.direction == .sendonly,
            srtp: negotiated.srtp.map { keys in
                (keys.suite == .aesCM128HMACSHA1_80 ? .aesCM128HMACSHA1_80 : .aesCM128HMACSHA1_32, keys.local, keys.remote)
            }, comfortNoisePayloadType: negotiated.comfortNoisePayloadType.map { UInt8($0) })
    }
}
