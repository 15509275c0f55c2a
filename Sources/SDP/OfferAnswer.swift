/// RFC 3264 offer/answer for one audio stream: the first audio `m=` line with a codec Parley
/// supports is accepted (the first supported codec in the offerer's order, plus
/// telephone-event and comfort noise when offered); every other `m=` line is refused with port 0. An RTP/SAVP
/// line is accepted with its first SDES key line of a suite Parley has (answered with a key
/// of its own), and refused without one.
public struct OfferAnswer: Sendable {
    /// The codecs this side can handle; telephone-event is always added when offered.
    public var supported: [AudioCodec]
    public var localAddress: String

    public init(supported: [AudioCodec] = [.pcmu, .pcma], localAddress: String) {
        self.supported = supported
        self.localAddress = localAddress
    }

    /// The answer to `offer`, sending media to `localPort`, and the negotiated stream. An
    /// answer to a later offer in the same session keeps `sessionID` and raises `sessionVersion`.
    public func answer(_ offer: SessionDescription, localPort: Int, sessionID: String, sessionVersion: UInt64 = 1) throws(SDPError)
        -> (SessionDescription, NegotiatedMedia)
    {
        var answered: [MediaDescription] = []
        var negotiated: NegotiatedMedia?
        for media in offer.media {
            let offeredKey = media.attributes.lazy.filter { $0.name == "crypto" }.compactMap { $0.value.flatMap(SDESCrypto.init(attribute:)) }.first
            let secure = media.transport == "RTP/SAVP"
            guard negotiated == nil, media.type == "audio", media.port != 0, media.transport == "RTP/AVP" || (secure && offeredKey != nil),
                let (chosen, payloadType) = firstSupported(in: media),
                let remote = media.connection ?? offer.connection
            else {
                answered.append(MediaDescription(type: media.type, port: 0, transport: media.transport, formats: media.formats))
                continue
            }
            let events = media.formats.first { AudioCodec.identify($0, in: media) == .telephoneEvent }
            let noise = media.formats.first { AudioCodec.identify($0, in: media) == .comfortNoise }
            var formats = [payloadType]
            var attributes = [MediaDescription.Attribute("rtpmap", "\(payloadType) \(chosen.rtpmap)")]
            if chosen == .opus { attributes.append(.init("fmtp", "\(payloadType) \(AudioCodec.opusParameters)")) }
            if let events {
                formats.append(events)
                attributes.append(.init("rtpmap", "\(events) telephone-event/8000"))
                attributes.append(.init("fmtp", "\(events) 0-16"))
            }
            if let noise {
                formats.append(noise)
                attributes.append(.init("rtpmap", "\(noise) CN/8000"))
            }
            let ptime = media.attributes.first { $0.name == "ptime" }?.value.flatMap(Int.init) ?? 20
            attributes.append(.init("ptime", "20"))
            attributes.append(.init(media.direction.answer.rawValue))
            var keys: SRTPKeys?
            if secure, let offeredKey {
                let ours = SDESCrypto.answering(offeredKey)
                attributes.append(.init("crypto", ours.attributeValue))
                keys = SRTPKeys(suite: ours.suite, local: ours.keyAndSalt, remote: offeredKey.keyAndSalt)
            }
            answered.append(
                MediaDescription(type: "audio", port: localPort, transport: secure ? "RTP/SAVP" : "RTP/AVP", formats: formats, attributes: attributes))
            negotiated = NegotiatedMedia(
                remoteAddress: remote.address, remotePort: media.port, codec: chosen,
                payloadType: Int(payloadType) ?? 0, telephoneEventPayloadType: events.flatMap { Int($0) },
                comfortNoisePayloadType: noise.flatMap { Int($0) }, direction: media.direction.answer, ptime: ptime, srtp: keys)
        }
        guard let negotiated else { throw .noCommonCodec }
        let local = SessionDescription.Connection(address: localAddress)
        let answer = SessionDescription(
            origin: .init(sessionID: sessionID, sessionVersion: sessionVersion, address: local), connection: local, media: answered)
        return (answer, negotiated)
    }

    /// Parley's own offer for an outbound call: the supported codecs in order (static payload
    /// types for G.711, 96 onwards for the others) and telephone-event on 101; with `secure`,
    /// RTP/SAVP with a fresh SDES key (RFC 4568) and nothing in clear.
    public func offer(localPort: Int, sessionID: String, secure: Bool = false) -> SessionDescription {
        var formats: [String] = []
        var attributes: [MediaDescription.Attribute] = []
        var dynamic = 96
        for codec in supported where codec != .telephoneEvent && codec != .comfortNoise {
            let payloadType: Int
            if let fixed = codec.staticPayloadType {
                payloadType = fixed
            } else {
                payloadType = dynamic
                dynamic += 1
            }
            formats.append(String(payloadType))
            attributes.append(.init("rtpmap", "\(payloadType) \(codec.rtpmap)"))
            if codec == .opus { attributes.append(.init("fmtp", "\(payloadType) \(AudioCodec.opusParameters)")) }
        }
        formats += ["101", "13"]
        attributes += [
            .init("rtpmap", "101 telephone-event/8000"), .init("fmtp", "101 0-16"), .init("rtpmap", "13 CN/8000"), .init("ptime", "20"),
            .init("sendrecv"),
        ]
        if secure { attributes.append(.init("crypto", SDESCrypto.offering().attributeValue)) }
        let local = SessionDescription.Connection(address: localAddress)
        return SessionDescription(
            origin: .init(sessionID: sessionID, sessionVersion: 1, address: local), connection: local,
            media: [
                MediaDescription(type: "audio", port: localPort, transport: secure ? "RTP/SAVP" : "RTP/AVP", formats: formats, attributes: attributes)
            ])
    }

    /// What the far end's answer to `offer` (ours) chose: the first audio stream it accepted
    /// with a codec we offered. An SRTP offer needs an SRTP answer with a key for our tag and
    /// suite; one in clear is refused, never used.
    public func accept(_ answer: SessionDescription, to offer: SessionDescription) throws(SDPError) -> NegotiatedMedia {
        guard let media = answer.media.first(where: { $0.type == "audio" && $0.port != 0 }),
            let remote = media.connection ?? answer.connection,
            let (codec, payloadType) = firstSupported(in: media)
        else { throw .noCommonCodec }
        var keys: SRTPKeys?
        let ours = offer.media.first { $0.type == "audio" }.flatMap { offered in
            offered.attributes.lazy.filter { $0.name == "crypto" }.compactMap { $0.value.flatMap(SDESCrypto.init(attribute:)) }.first
        }
        if let ours {
            guard media.transport == "RTP/SAVP",
                let theirs = media.attributes.lazy.filter({ $0.name == "crypto" }).compactMap({ $0.value.flatMap(SDESCrypto.init(attribute:)) })
                    .first(where: { $0.tag == ours.tag && $0.suite == ours.suite })
            else { throw .noCommonCodec }
            keys = SRTPKeys(suite: ours.suite, local: ours.keyAndSalt, remote: theirs.keyAndSalt)
        } else if media.transport != "RTP/AVP" {
            throw .noCommonCodec
        }
        let events = media.formats.first { AudioCodec.identify($0, in: media) == .telephoneEvent }
        let noise = media.formats.first { AudioCodec.identify($0, in: media) == .comfortNoise }
        let ptime = media.attributes.first { $0.name == "ptime" }?.value.flatMap(Int.init) ?? 20
        return NegotiatedMedia(
            remoteAddress: remote.address, remotePort: media.port, codec: codec, payloadType: Int(payloadType) ?? 0,
            telephoneEventPayloadType: events.flatMap { Int($0) }, comfortNoisePayloadType: noise.flatMap { Int($0) },
            direction: media.direction.answer, ptime: ptime, srtp: keys)
    }

    private func firstSupported(in media: MediaDescription) -> (AudioCodec, String)? {
        for format in media.formats {
            if let codec = AudioCodec.identify(format, in: media), codec != .telephoneEvent, codec != .comfortNoise, supported.contains(codec) {
                return (codec, format)
            }
        }
        return nil
    }
}
