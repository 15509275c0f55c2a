import Testing

@testable import SIPMessages

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

let register = """
    REGISTER sip:127.0.0.1:5060 SIP/2.0\r
    Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;rport\r
    From: "Alice \\"A\\" Smith" <sip:alice@127.0.0.1>;tag=abc\r
    To: <sip:alice@127.0.0.1>\r
    Call-ID: 1-2@127.0.0.1\r
    CSeq: 1 REGISTER\r
    Contact: <sip:alice@127.0.0.1:5061;transport=udp>;expires=600, <sip:alice@[2001:db8::1]:5062>\r
    Max-Forwards: 70\r
    Content-Length: 0\r
    \r

    """

@Suite("SIP message parsing")
struct SIPParserTests {
    @Test("a REGISTER parses with its headers, lists and name-addrs")
    func parsesRegister() throws {
        guard case .request(let request) = try SIPParser.parse(bytes(register)) else {
            Issue.record("not a request")
            return
        }
        #expect(request.method == "REGISTER")
        #expect(request.uri == "sip:127.0.0.1:5060")
        #expect(request.headers["call-id"] == "1-2@127.0.0.1")
        let contacts = request.headers.values("Contact").compactMap(NameAddress.init)
        #expect(contacts.count == 2)
        #expect(contacts[0].parameters["expires"] == "600")
        #expect(contacts[0].uri.parameters["transport"] == "udp")
        #expect(contacts[1].uri.host == "2001:db8::1" && contacts[1].uri.port == 5062)
        let from = try #require(NameAddress(request.headers["From"]!))
        #expect(from.displayName == "Alice \"A\" Smith")
        #expect(from.tag == "abc")
        #expect(from.uri.user == "alice")
    }

    @Test("compact forms, folded lines and repeated headers")
    func compactAndFolded() throws {
        let text = "OPTIONS sip:x@example.com SIP/2.0\r\nv: SIP/2.0/TCP h1;branch=z9hG4bKa\r\nv: SIP/2.0/UDP h2:5070;branch=z9hG4bKb\r\nf: <sip:a@b>;tag=1\r\nt: sip:c@d\r\ni: call\r\nCSeq: 7\r\n  OPTIONS\r\nl: 4\r\n\r\nbody"
        guard case .request(let request) = try SIPParser.parse(bytes(text)) else {
            Issue.record("not a request")
            return
        }
        #expect(request.headers.values("Via").count == 2)
        #expect(Via(request.headers.values("Via")[1])?.port == 5070)
        #expect(Via(request.headers.values("Via")[0])?.transport == "TCP")
        #expect(request.headers["CSeq"] == "7 OPTIONS")
        #expect(request.headers["To"] == "sip:c@d")
        #expect(request.body == bytes("body"))
    }

    @Test("a response parses with its status and reason")
    func parsesResponse() throws {
        guard case .response(let response) = try SIPParser.parse(bytes("SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n")) else {
            Issue.record("not a response")
            return
        }
        #expect(response.status == 486 && response.reason == "Busy Here")
    }

    @Test("serialising and parsing again gives the same message")
    func roundTrip() throws {
        let parsed = try SIPParser.parse(bytes(register))
        guard case .request(let request) = parsed else { return }
        #expect(try SIPParser.parse(request.serialized()) == parsed)
    }

    @Test("a Content-Length larger than the data is incomplete; a shorter one cuts the body")
    func contentLength() throws {
        #expect(throws: SIPParseError.incomplete) {
            try SIPParser.parse(bytes("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 10\r\n\r\nabc"))
        }
        guard case .request(let request) = try SIPParser.parse(bytes("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nabc")) else { return }
        #expect(request.body == bytes("ab"))
        #expect(try SIPParser.messageLength(bytes("OPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabcOPTIONS")) == 36)
        #expect(try SIPParser.messageLength(bytes("OPTIONS sip:a@b SIP/2.0\r\n")) == nil)
        // Found by the fuzzer: a length near Int.max overflowed the framing's sum and trapped.
        #expect(throws: SIPParseError.tooLarge) {
            try SIPParser.messageLength(bytes("REGISTER sip:a@b SIP/2.0\r\nContent-Length: 9223372036854775803\r\n\r\n"))
        }
    }

    @Test(
        "garbage is refused without trapping",
        arguments: ["", "garbage", "\r\n\r\n", "INVITE\r\n\r\n", "SIP/2.0 99 x\r\n\r\n", "INVITE sip:a@b SIP/3.0\r\n\r\n", "IN VITE sip:a@b SIP/2.0\r\n\r\n", "\u{0}\u{1}\r\n\r\n"])
    func garbage(text: String) {
        #expect(throws: SIPParseError.self) { try SIPParser.parse(bytes(text)) }
    }

    @Test("a broken header still yields the request, so it can be answered with 400")
    func badHeader() {
        do {
            _ = try SIPParser.parse(bytes("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nno colon here\r\nCall-ID: x\r\n\r\n"))
            Issue.record("expected an error")
        } catch .badRequest(let reason, let request) {
            #expect(reason.contains("colon"))
            #expect(request.headers["Call-ID"] == "x")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a Request-URI with a control character is refused (found by the fuzzer: it would not survive serialisation)",
          arguments: ["sip:a\rb@h", "sip:a\u{0}b@h", "sip:a\u{7F}@h", "sip:a\tb@h"])
    func controlCharacterInURI(uri: String) {
        #expect(throws: SIPParseError.malformed("invalid Request-URI")) {
            try SIPParser.parse(bytes("OPTIONS \(uri) SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x\r\n\r\n"))
        }
    }

    @Test("oversized messages are refused")
    func oversized() {
        let huge = [UInt8](repeating: 65, count: SIPParser.maximumSize + 1)
        #expect(throws: SIPParseError.tooLarge) { try SIPParser.parse(huge) }
    }
}
