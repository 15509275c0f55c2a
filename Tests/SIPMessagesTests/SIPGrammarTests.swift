import Testing

@testable import SIPMessages

@Suite("SIP grammar pieces")
struct SIPGrammarTests {
    @Test("URIs: user, host, IPv6, port, parameters and headers")
    func uris() throws {
        let uri = try #require(SIPURI("sip:al%69ce@example.com:5070;transport=tcp;lr?subject=x"))
        #expect(uri.user == "alice" && uri.host == "example.com" && uri.port == 5070)
        #expect(uri.parameters["transport"] == "tcp" && uri.parameters["lr"] == "")
        #expect(uri.headers == "subject=x")
        #expect(SIPURI("sips:[::1]:5061")?.host == "::1")
        #expect(SIPURI("tel:+3222060746") == nil)
        #expect(SIPURI("sip:[::1") == nil)
        #expect(SIPURI("sip:host:99999") == nil)
    }

    @Test("name-addr and addr-spec forms, and the wildcard contact")
    func nameAddresses() throws {
        let bare = try #require(NameAddress("sip:bob@example.com;tag=99"))
        #expect(bare.tag == "99" && bare.uri.parameters["tag"] == nil)
        let named = try #require(NameAddress("Bob <sip:bob@example.com;transport=tcp>;expires=30"))
        #expect(named.displayName == "Bob" && named.parameters["expires"] == "30")
        #expect(NameAddress("*")?.isWildcard == true)
        #expect(NameAddress("\"unterminated <sip:a@b>") == nil)
        #expect(NameAddress("<sip:a@b") == nil)
    }

    @Test("Via: transport, sent-by and parameters")
    func via() throws {
        let via = try #require(Via("SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK77;rport;received=10.0.0.1"))
        #expect(via.transport == "UDP" && via.host == "192.0.2.1" && via.port == 5062)
        #expect(via.branch == "z9hG4bK77" && via.parameters["rport"] == "")
        #expect(Via("SIP/2.0/TCP [2001:db8::9]:5060")?.host == "2001:db8::9")
        #expect(Via("HTTP/1.1 host") == nil)
    }

    @Test("comma-separated lists split outside quotes and brackets")
    func lists() {
        #expect(SIPHeaders.splitList("\"a, b\" <sip:x@y>, <sip:z@w;p=1,2>") == ["\"a, b\" <sip:x@y>", "<sip:z@w;p=1,2>"])
    }

    @Test("digest credentials with quoted and escaped values")
    func digest() throws {
        let header = #"Digest username="al\"ice", realm="parley", nonce="n1", uri="sip:127.0.0.1", response="abc", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c, d""#
        let authorization = try #require(DigestAuthorization(header))
        #expect(authorization["username"] == "al\"ice")
        #expect(authorization["algorithm"] == "SHA-256" && authorization["qop"] == "auth")
        #expect(authorization["cnonce"] == "c, d")
        #expect(DigestAuthorization("Basic abc") == nil)
    }

    @Test("headers: compact names resolve, set replaces in place")
    func headers() {
        var headers = SIPHeaders([("v", "a"), ("From", "f"), ("Via", "b")])
        #expect(headers.values("via") == ["a", "b"])
        headers.set("Via", "c")
        #expect(headers.fields.map(\.name) == ["Via", "From"])
        #expect(headers["v"] == "c")
    }
}

@Suite("Nothing Parley writes can start a header of its own")
struct HeaderInjectionTests {
    @Test("a user part with CR, LF, spaces or an @ is written percent-escaped")
    func escapedUser() throws {
        let uri = try #require(SIPURI("sip:%0D%0AP-Asserted-Identity%3A%20x@198.51.100.4"))
        #expect(uri.user == "\r\nP-Asserted-Identity: x")
        #expect(uri.description == "sip:%0D%0AP-Asserted-Identity%3A%20x@198.51.100.4")
        #expect(SIPURI(uri.description)?.user == uri.user)
        #expect(SIPURI(scheme: "sip", user: "+3221234567", host: "gw").description == "sip:+3221234567@gw")
    }

    @Test("CR, LF and NUL in a start line or a header value become spaces on the wire")
    func serializedLines() {
        var headers = SIPHeaders()
        headers.add("From", "<sip:a@b>\r\nP-Asserted-Identity: <sip:+3221234567@gw>")
        headers.add("Subject", "x\0y")
        let bytes = SIPRequest(method: "INVITE", uri: "sip:x@y\r\nX: 1", headers: headers).serialized()
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "INVITE sip:x@y  X: 1 SIP/2.0")
        #expect(lines[1] == "From: <sip:a@b>  P-Asserted-Identity: <sip:+3221234567@gw>")
        #expect(lines[2] == "Subject: x y")
        #expect(!lines.contains { $0.hasPrefix("P-Asserted-Identity") || $0.hasPrefix("X:") })
    }
}

@Suite("Folded headers")
struct FoldingTests {
    @Test("thousands of continuation lines are joined into one header, each with one space")
    func manyContinuations() throws {
        let continuations = 12_000
        let text = "OPTIONS sip:parley SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\nSubject: a\r\n"
            + String(repeating: " b\r\n", count: continuations) + "Call-ID: c\r\nContent-Length: 0\r\n\r\n"
        guard case .request(let request) = try SIPParser.parse(Array(text.utf8)) else {
            Issue.record("not a request")
            return
        }
        #expect(request.headers["Subject"] == "a" + String(repeating: " b", count: continuations))
        #expect(request.headers["Call-ID"] == "c")
    }
}
