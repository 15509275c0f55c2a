import Foundation
import Testing

@testable import SDP

let sippOffer = """
    v=0\r
    o=user1 53655765 2353687637 IN IP4 127.0.0.1\r
    s=-\r
    c=IN IP4 127.0.0.1\r
    t=0 0\r
    m=audio 6000 RTP/AVP 8 0 101\r
    a=rtpmap:8 PCMA/8000\r
    a=rtpmap:0 PCMU/8000\r
    a=rtpmap:101 telephone-event/8000\r
    a=fmtp:101 0-15\r
    a=sendonly\r

    """

@Suite("SDP offer/answer")
struct OfferAnswerTests {
    let negotiator = OfferAnswer(localAddress: "127.0.0.1")

    @Test("the answer takes the caller's first supported codec and keeps telephone-event")
    func callerOrder() throws {
        let offer = try SessionDescription(parsing: sippOffer)
        let (answer, media) = try negotiator.answer(offer, localPort: 20000, sessionID: "1")
        #expect(media.codec == .pcma && media.payloadType == 8)
        #expect(media.telephoneEventPayloadType == 101)
        #expect(media.remoteAddress == "127.0.0.1" && media.remotePort == 6000)
        #expect(media.direction == .recvonly)
        #expect(answer.media[0].formats == ["8", "101"] && answer.media[0].port == 20000)
        #expect(answer.text.contains("a=recvonly\r\n"))
        #expect(try SessionDescription(parsing: answer.text) == answer)
    }

    @Test("static payload types without rtpmap are recognised; unknown ones are skipped")
    func staticTypes() throws {
        let offer = try SessionDescription(parsing: "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 18 0\n")
        let (_, media) = try negotiator.answer(offer, localPort: 20002, sessionID: "2")
        #expect(media.codec == .pcmu && media.telephoneEventPayloadType == nil)
    }

    @Test("video is refused with port 0 and an offer with no common codec fails")
    func refusals() throws {
        let offer = try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\nm=audio 4000 RTP/AVP 0\r\n")
        let (answer, _) = try negotiator.answer(offer, localPort: 20004, sessionID: "3")
        #expect(answer.media.map(\.port) == [0, 20004])
        let g729 = try SessionDescription(parsing: "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 18\n")
        #expect(throws: SDPError.noCommonCodec) { try negotiator.answer(g729, localPort: 1, sessionID: "4") }
    }

    @Test("comfort noise (RFC 3389) offered is accepted beside the codec, never chosen as one")
    func comfortNoise() throws {
        let offer = try SessionDescription(
            parsing: "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 13 8 101\na=rtpmap:101 telephone-event/8000\n")
        let (answer, negotiated) = try negotiator.answer(offer, localPort: 1, sessionID: "9")
        #expect(negotiated.codec == .pcma && negotiated.comfortNoisePayloadType == 13 && negotiated.telephoneEventPayloadType == 101)
        #expect(answer.text.contains("m=audio 1 RTP/AVP 8 101 13") && answer.text.contains("a=rtpmap:13 CN/8000"))
        let onlyNoise = try SessionDescription(parsing: "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 13\n")
        #expect(throws: SDPError.noCommonCodec) { try negotiator.answer(onlyNoise, localPort: 1, sessionID: "10") }
    }

    @Test("Opus is chosen only when supported")
    func opus() throws {
        let offer = try SessionDescription(parsing: "v=0\no=- 1 1 IN IP4 ::1\ns=-\nc=IN IP6 ::1\nt=0 0\nm=audio 4000 RTP/AVP 111 0\na=rtpmap:111 opus/48000/2\n")
        #expect(try negotiator.answer(offer, localPort: 1, sessionID: "5").1.codec == .pcmu)
        let wide = OfferAnswer(supported: [.opus, .pcmu], localAddress: "::1")
        let (answer, negotiated) = try wide.answer(offer, localPort: 1, sessionID: "6")
        #expect(negotiated.codec == .opus && negotiated.payloadType == 111)
        // Parley decodes in-band FEC, and says so (RFC 7587).
        #expect(answer.text.contains("a=rtpmap:111 opus/48000/2") && answer.text.contains("a=fmtp:111 useinbandfec=1"))
    }

    @Test("malformed SDP is refused with a reason", arguments: ["", "v=1\n", "v=0\ns=-\n", "v=0\no=- 1 x IN IP4 a\ns=-\n", "v=0\no=- 1 1 IN IP4 a\ns=-\nm=audio x RTP/AVP 0\n", "v=0\no=- 1 1 IN IP4 a\ns=-\nm=audio 4 RTP/AVP 0\n", "garbage"])
    func malformed(text: String) {
        #expect(throws: SDPError.self) { try SessionDescription(parsing: text) }
    }

    @Test("Parley's offer lists G.711 by static type and telephone-event; the callee's answer picks the codec")
    func outboundOffer() throws {
        let offer = OfferAnswer(supported: [.pcmu, .pcma, .opus], localAddress: "127.0.0.1").offer(localPort: 30000, sessionID: "7")
        let text = offer.text
        #expect(text.contains("m=audio 30000 RTP/AVP 0 8 96 101 13"))
        #expect(text.contains("a=rtpmap:13 CN/8000"))
        #expect(text.contains("a=rtpmap:96 opus/48000/2") && text.contains("a=rtpmap:101 telephone-event/8000"))
        #expect(text.contains("a=fmtp:96 useinbandfec=1"))
        let reparsed = try SessionDescription(parsing: text)
        #expect(reparsed.media.first?.formats == ["0", "8", "96", "101", "13"])

        let answer = try SessionDescription(parsing: sippOffer)  // PCMA first, sendonly from the callee
        let media = try negotiator.accept(answer, to: offer)
        #expect(media.codec == .pcma && media.remotePort == 6000 && media.telephoneEventPayloadType == 101)
        #expect(media.direction == .recvonly)
        let refused = try SessionDescription(parsing: sippOffer.replacingOccurrences(of: "RTP/AVP 8 0 101", with: "RTP/AVP 18"))
        #expect(throws: SDPError.noCommonCodec) { try negotiator.accept(refused, to: offer) }
    }

    @Test("a secure offer carries a fresh key over RTP/SAVP; only an SRTP answer to our tag is taken, never one in clear")
    func secureOffer() throws {
        let negotiator = OfferAnswer(supported: [.pcmu, .pcma], localAddress: "198.18.1.1")
        let offer = negotiator.offer(localPort: 30000, sessionID: "8", secure: true)
        #expect(offer.text.contains("m=audio 30000 RTP/SAVP 0 8 101 13"))
        let ours = try #require(
            offer.media.first?.attributes.first { $0.name == "crypto" }?.value.flatMap(SDESCrypto.init(attribute:)))
        #expect(ours.tag == 1 && ours.suite == .aesCM128HMACSHA1_80)
        #expect(negotiator.offer(localPort: 30000, sessionID: "9", secure: true).text != offer.text)  // a fresh key each time

        let theirs = SDESCrypto.answering(ours)
        let secureAnswer = try SessionDescription(
            parsing: sippOffer.replacingOccurrences(of: "RTP/AVP 8 0 101", with: "RTP/SAVP 8 0 101")
                + "a=crypto:\(theirs.attributeValue)\r\n")
        let media = try negotiator.accept(secureAnswer, to: offer)
        #expect(media.srtp == SRTPKeys(suite: .aesCM128HMACSHA1_80, local: ours.keyAndSalt, remote: theirs.keyAndSalt))
        // An answer in clear to an SRTP offer is refused, not used.
        #expect(throws: SDPError.noCommonCodec) { try negotiator.accept(try SessionDescription(parsing: sippOffer), to: offer) }
    }
}
