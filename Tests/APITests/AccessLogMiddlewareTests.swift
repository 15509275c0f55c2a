import Testing

@testable import API

struct AccessLogMiddlewareTests {
    @Test func aPublicRecordingsTokenIsNotLogged() {
        #expect(AccessLogMiddleware.loggable("/recordings/9f2c4e7a1b.wav") == "/recordings/[token].wav")
        #expect(AccessLogMiddleware.loggable("/2010-04-01/Accounts/AC1/Calls.json") == "/2010-04-01/Accounts/AC1/Calls.json")
    }

    @Test func theAccountAndTheCallAreTheSegmentsAfterTheirCollections() {
        #expect(AccessLogMiddleware.sid(after: "Calls", prefix: "CA", in: "/2010-04-01/Accounts/ACabc/Calls/CAdef.json") == "CAdef")
        #expect(AccessLogMiddleware.sid(after: "Calls", prefix: "CA", in: "/2010-04-01/Accounts/ACabc/Calls.json") == nil)
        #expect(AccessLogMiddleware.sid(after: "Accounts", prefix: "AC", in: "/2010-04-01/Accounts/ACabc/Calls.json") == "ACabc")
        #expect(AccessLogMiddleware.sid(after: "Accounts", prefix: "AC", in: "/2010-04-01/Accounts/ACabc.json") == "ACabc")
        #expect(AccessLogMiddleware.sid(after: "Accounts", prefix: "AC", in: "/2010-04-01/Accounts.json") == nil)
        #expect(AccessLogMiddleware.sid(after: "Accounts", prefix: "AC", in: "/health") == nil)
    }
}
