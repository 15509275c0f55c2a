import Testing

@testable import SIP

@Suite("Answering a carrier's digest challenge")
struct DigestChallengeTests {
    @Test("the answer to RFC 2617's own example gives its response")
    func rfc2617Example() throws {
        let challenge = try #require(
            DigestChallenge(
                #"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#
            ))
        let answer = challenge.answer(username: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html", cnonce: "0a4f113b")
        #expect(answer.contains(#"response="6629fae49393a05397450978507c4ef1""#))
        #expect(answer.contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\""))
        #expect(answer.contains(#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#))
    }

    @Test("without qop the RFC 2069 form is answered, and SHA-256 is used when asked for")
    func otherForms() throws {
        let plain = try #require(DigestChallenge(#"Digest realm="r", nonce="n""#))
        let md5 = plain.answer(username: "u", password: "p", method: "INVITE", uri: "sip:x@y")
        // MD5(MD5("u:r:p"):n:MD5("INVITE:sip:x@y")), computed independently with Python's hashlib.
        #expect(md5.contains(#"response="d15c26d1f9dbc965980a7b6cff61f746""#))
        #expect(!md5.contains("qop="))
        let sha = try #require(DigestChallenge(#"Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth""#))
        #expect(sha.algorithm == .sha256)
        #expect(sha.answer(username: "u", password: "p", method: "REGISTER", uri: "sip:y").contains("algorithm=SHA-256"))
    }

    @Test("challenges Parley cannot answer are not parsed", arguments: [
        #"Basic realm="r""#, #"Digest nonce="n""#, #"Digest realm="r""#, #"Digest realm="r", nonce="n", algorithm=AKAv1-MD5"#,
    ])
    func refused(header: String) {
        #expect(DigestChallenge(header) == nil)
    }
}
