import Testing

@testable import SIP

struct InfoDTMFTests {
    @Test func dtmfRelayBodyGivesTheKeyAndItsDuration() {
        let key = InfoDTMF(contentType: "application/dtmf-relay", body: "Signal=5\r\nDuration=160\r\n")
        #expect(key == InfoDTMF(contentType: "application/dtmf-relay", body: "signal = 5\nduration= 160"))
        #expect(key?.digit == "5")
        #expect(key?.durationMilliseconds == 160)
    }

    @Test func eventNumbersTenAndElevenAreStarAndHash() {
        #expect(InfoDTMF(contentType: "application/dtmf-relay", body: "Signal=10\r\n")?.digit == "*")
        #expect(InfoDTMF(contentType: "Application/DTMF-Relay; charset=x", body: "Signal=11")?.digit == "#")
    }

    @Test func plainDtmfBodyIsTheKeyAlone() {
        let key = InfoDTMF(contentType: "application/dtmf", body: "#\r\n")
        #expect(key?.digit == "#")
        #expect(key?.durationMilliseconds == 250)
    }

    @Test(arguments: [
        ("application/dtmf-relay", "Signal=X"), ("application/dtmf-relay", "Duration=100"),
        ("application/dtmf-relay", "Signal=1\nDuration=0"), ("application/dtmf", "12"), ("text/plain", "1"),
    ])
    func invalidBodiesGiveNoKey(type: String, body: String) {
        #expect(InfoDTMF(contentType: type, body: body) == nil)
    }
}
