/// The audio encodings Parley negotiates (RFC 3551 static types for G.711, dynamic ones for
/// Opus and RFC 4733 telephone-events).
public enum AudioCodec: String, Sendable, CaseIterable {
    case pcmu = "PCMU"
    case pcma = "PCMA"
    case opus = "opus"
    case telephoneEvent = "telephone-event"
    /// RFC 3389 comfort noise: a far end that stops sending in silence says how loud it is.
    case comfortNoise = "CN"

    public var clockRate: Int {
        switch self {
        case .pcmu, .pcma, .telephoneEvent, .comfortNoise: 8000
        case .opus: 48000
        }
    }

    var channels: Int { self == .opus ? 2 : 1 }

    /// The RFC 3551 static payload type, for the codecs that have one.
    var staticPayloadType: Int? {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .comfortNoise: 13
        default: nil
        }
    }

    /// The codec a payload type of an offer stands for: its rtpmap, or the static assignment.
    static func identify(_ payloadType: String, in media: MediaDescription) -> AudioCodec? {
        if let map = media.rtpmaps[payloadType] {
            return allCases.first { $0.rawValue.lowercased() == map.name.lowercased() && $0.clockRate == map.rate }
        }
        return allCases.first { $0.staticPayloadType.map(String.init) == payloadType }
    }

    /// RFC 7587 format parameters Parley gives for Opus: it decodes in-band FEC, so the far
    /// end may send it.
    static let opusParameters = "useinbandfec=1"

    var rtpmap: String { "\(rawValue)/\(clockRate)" + (channels > 1 ? "/\(channels)" : "") }
}

/// What signalling hands the media engine once an offer is answered: where to send, with
/// which payload types, in which direction. Nothing SIP or SDP specific.
public struct NegotiatedMedia: Sendable, Equatable {
    public var remoteAddress: String
    public var remotePort: Int
    public var codec: AudioCodec
    public var payloadType: Int
    /// RFC 4733 events, when both sides offered them.
    public var telephoneEventPayloadType: Int?
    /// RFC 3389 comfort noise, when the far end offered it.
    public var comfortNoisePayloadType: Int? = nil
    public var direction: MediaDirection
    public var ptime: Int
    /// Set when the stream is SRTP (RTP/SAVP with SDES keys).
    public var srtp: SRTPKeys? = nil
}
