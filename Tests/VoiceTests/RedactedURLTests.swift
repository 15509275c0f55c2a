import Testing

@testable import Voice

struct RedactedURLTests {
    @Test func userInformationAndTheQueryAreLeftOut() {
        #expect(RedactedURL("https://bob:s3cret@hooks.example.com:8443/voice?token=abc#x").description == "https://hooks.example.com:8443/voice?…")
        #expect(RedactedURL("http://hooks.example.com/voice").description == "http://hooks.example.com/voice")
    }

    @Test func anUnparsableURLIsNotEchoed() {
        #expect(RedactedURL("http://[not a url").description == "(unparsable URL)")
    }
}
