/// The codecs the media engine encodes and decodes: G.711 itself, Opus through libopus.
public enum MediaCodec: Sendable, Equatable {
    case pcmu, pcma, opus

    /// RTP timestamp units per second.
    public var clockRate: Int { self == .opus ? OpusCodec.rtpClockRate : 8000 }
}

/// What signalling negotiated for a session, with nothing of SIP or SDP in it: where to send,
/// which payload types mean what, and whether to send at all (hold).
public struct MediaParameters: Sendable, Equatable {
    public static func == (a: MediaParameters, b: MediaParameters) -> Bool {
        a.remoteHost == b.remoteHost && a.remotePort == b.remotePort && a.codec == b.codec && a.payloadType == b.payloadType
            && a.telephoneEventPayloadType == b.telephoneEventPayloadType && a.comfortNoisePayloadType == b.comfortNoisePayloadType
            && a.sends == b.sends && a.signallingHost == b.signallingHost
            && a.srtp?.suite == b.srtp?.suite && a.srtp?.localKey == b.srtp?.localKey && a.srtp?.remoteKey == b.srtp?.remoteKey
    }

    public var remoteHost: String
    public var remotePort: Int
    public var codec: MediaCodec
    public var payloadType: UInt8
    public var telephoneEventPayloadType: UInt8?
    /// RFC 3389 comfort noise from the far end, when negotiated.
    public var comfortNoisePayloadType: UInt8?
    /// False while the far end holds the call (sendonly from it, or inactive).
    public var sends: Bool
    /// Set for SRTP: the suite, our key (what we send) and the far end's (what we receive).
    public var srtp: (suite: SRTPSuite, localKey: [UInt8], remoteKey: [UInt8])?
    /// For a softphone: the address its signalling comes from. Its media may come from any port
    /// of that address (its NAT picks one), besides the SDP's address and port; nothing else
    /// is ever latched.
    public var signallingHost: String?

    /// Whether the session can protect its packets as negotiated: true without SRTP, or when
    /// SRTP contexts can be made from the keys. A call whose keys cannot be used is refused
    /// (488) or ended, never continued in clear.
    public var canProtect: Bool {
        srtp.map { SRTPSession(suite: $0.suite, localKey: $0.localKey, remoteKey: $0.remoteKey) != nil } ?? true
    }

    public init(
        remoteHost: String, remotePort: Int, codec: MediaCodec, payloadType: UInt8, telephoneEventPayloadType: UInt8?,
        sends: Bool = true, srtp: (suite: SRTPSuite, localKey: [UInt8], remoteKey: [UInt8])? = nil, comfortNoisePayloadType: UInt8? = nil
    ) {
        self.comfortNoisePayloadType = comfortNoisePayloadType
        self.srtp = srtp
        self.remoteHost = remoteHost
        self.remotePort = remotePort
        self.codec = codec
        self.payloadType = payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.sends = sends
    }
}

/// What a media session reports to the leg that commands it.
public enum MediaEvent: Sendable, Equatable {
    /// A DTMF key, from RFC 4733 telephone-events.
    case digit(Character)
    /// The audio given to `play` has been sent to its end (every loop).
    case playbackFinished
    /// No RTP for the configured time: the far end is gone.
    case rtpTimeout
    /// While recording, the far end has been quiet for the silence timeout given to `record`.
    case silence
    /// While a speech engine listens, the caller has begun to speak.
    case speechStarted
}
