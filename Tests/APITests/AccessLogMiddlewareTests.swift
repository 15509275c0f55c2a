import Testing

@testable import API

struct AccessLogMiddlewareTests {
    @Test func aPublicRecordingsTokenIsNotLogged() {
        #expect(AccessLogMiddleware.loggable("/recordings/9f2c4e7a1b.wav") == "/recordings/[token].wav")
        #expect(AccessLogMiddleware.loggable("/2010-04-01/Accounts/AC1/Calls.json") == "/2010-04-01/Accounts/AC1/Calls.json")
    }

    @Test func theAccountIsTheSegmentAfterAccounts() {
        #expect(AccessLogMiddleware.account(in: "/2010-04-01/Accounts/ACabc/Calls.json") == "ACabc")
        #expect(AccessLogMiddleware.account(in: "/2010-04-01/Accounts/ACabc.json") == "ACabc")
        #expect(AccessLogMiddleware.account(in: "/2010-04-01/Accounts.json") == nil)
        #expect(AccessLogMiddleware.account(in: "/health") == nil)
    }
}
