import Foundation
import Testing

@testable import API
@testable import Store

@Suite("Calls filters")
struct CallsRoutesTests {
    @Test("a day filter covers that whole GMT day; an ISO time is that instant")
    func instants() throws {
        let day = try CallsRoutes.instant("2026-11-26", "StartTime")
        #expect(day.start == Date(timeIntervalSince1970: 1_795_651_200))
        #expect(day.end.timeIntervalSince(day.start) == 86400)
        let instant = try CallsRoutes.instant("2026-11-26T10:00:00Z", "StartTime")
        #expect(instant.start == instant.end)
        #expect(throws: APIError.self) { try CallsRoutes.instant("2026-02-30", "StartTime") }
        #expect(throws: APIError.self) { try CallsRoutes.instant("yesterday", "EndTime<") }
    }
}
