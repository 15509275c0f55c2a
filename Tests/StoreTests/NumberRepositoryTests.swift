import Foundation
import Testing

@testable import Store

@Suite("Number pool")
struct NumberRepositoryTests {
    let day: TimeInterval = 86400

    func pool(_ temporary: TemporaryStore) async throws {
        let numbers = (0..<5).map {
            PhoneNumber(e164: "+322206074\($0)", type: .fixed, zone: "02", smsSupported: false, priceTier: .regular)
        } + [PhoneNumber(e164: "+32470206100", type: .mobile, zone: "0470", smsSupported: true, priceTier: .regular)]
        #expect(try await temporary.store.numbers.loadPool(numbers) == 6)
    }

    @Test("reloading the pool adds new numbers and leaves reserved ones alone")
    func reload() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        try await pool(temporary)
        let now = Date()
        let reserved = try #require(try await temporary.store.numbers.reserve(NumberFilter(e164: "+3222060741"), for: account.sid, at: now))
        let again = [
            PhoneNumber(e164: "+3222060741", type: .fixed, zone: "02", smsSupported: true, priceTier: .premium),
            PhoneNumber(e164: "+3222060749", type: .fixed, zone: "02", smsSupported: false, priceTier: .regular),
        ]
        #expect(try await temporary.store.numbers.loadPool(again) == 1)
        let still = try #require(try await temporary.store.numbers.find(e164: "+3222060741"))
        #expect(still.state == .reserved && still.accountSid == account.sid && still.sid == reserved.sid)
        #expect(still.priceTier == .regular)
    }

    @Test("many accounts racing for one number: exactly one wins")
    func race() async throws {
        let temporary = try TemporaryStore()
        try await pool(temporary)
        var accounts: [AccountSid] = []
        for _ in 0..<8 {
            let account = makeAccount()
            try await temporary.store.accounts.insert(account)
            accounts.append(account.sid)
        }
        let numbers = temporary.store.numbers
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for account in accounts {
                group.addTask { try await numbers.reserve(NumberFilter(e164: "+3222060742"), for: account, at: Date()) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
    }

    @Test("a released number is frozen for everyone until the freeze ends, then available again")
    func freeze() async throws {
        let temporary = try TemporaryStore()
        let holder = makeAccount()
        let other = makeAccount()
        try await temporary.store.accounts.insert(holder)
        try await temporary.store.accounts.insert(other)
        try await pool(temporary)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let number = try #require(try await temporary.store.numbers.reserve(NumberFilter(e164: "+3222060743"), for: holder.sid, at: start))
        let sid = try #require(number.sid)
        #expect(try await temporary.store.numbers.release(sid, account: other.sid, at: start, frozenUntil: start) == false)
        #expect(try await temporary.store.numbers.release(sid, account: holder.sid, at: start.addingTimeInterval(day), frozenUntil: start.addingTimeInterval(16 * day)))
        for (account, offset) in [(holder.sid, 2 * day), (other.sid, 15.9 * day)] {
            #expect(try await temporary.store.numbers.reserve(NumberFilter(e164: "+3222060743"), for: account, at: start.addingTimeInterval(offset)) == nil)
        }
        let visible = try await temporary.store.numbers.available(NumberFilter(zone: "02"), at: start.addingTimeInterval(2 * day), page: PageRequest())
        #expect(!visible.items.map(\.e164).contains("+3222060743"))
        let back = try await temporary.store.numbers.reserve(NumberFilter(e164: "+3222060743"), for: holder.sid, at: start.addingTimeInterval(16 * day))
        #expect(back?.accountSid == holder.sid && back?.sid != sid)
        let history = try await temporary.store.numbers.reservations(of: holder.sid)
        #expect(history.count == 2)
        #expect(history[0].releasedAt == start.addingTimeInterval(day))
        #expect(history[1].releasedAt == nil)
    }

    @Test("filters: zone, type, tier, SMS and a substring of the digits")
    func filters() async throws {
        let temporary = try TemporaryStore()
        try await pool(temporary)
        let now = Date()
        func available(_ filter: NumberFilter) async throws -> [String] {
            try await temporary.store.numbers.available(filter, at: now, page: PageRequest()).items.map(\.e164)
        }
        #expect(try await available(NumberFilter(type: .mobile)) == ["+32470206100"])
        #expect(try await available(NumberFilter(zone: "02", contains: "0743")) == ["+3222060743"])
        #expect(try await available(NumberFilter(smsSupported: true)) == ["+32470206100"])
        #expect(try await available(NumberFilter(priceTier: .premium)).isEmpty)
        #expect(try await available(NumberFilter(zone: "02")).count == 5)
    }

    @Test("a number is invoiced per started month until its release")
    func billing() {
        let calendar = Calendar.gmt
        let reserved = calendar.date(from: DateComponents(year: 2026, month: 1, day: 31, hour: 10))!
        let open = NumberReservation(e164: "+3222060740", accountSid: .generate(), reservedAt: reserved, releasedAt: nil)
        let inside = calendar.date(from: DateComponents(year: 2026, month: 1, day: 31, hour: 12))!
        #expect(open.billedMonthStarts(until: inside).count == 1)
        let april = calendar.date(from: DateComponents(year: 2026, month: 4, day: 1))!
        #expect(open.billedMonthStarts(until: april).count == 3)
        var released = open
        released.releasedAt = calendar.date(from: DateComponents(year: 2026, month: 2, day: 28, hour: 11))!
        #expect(released.billedMonthStarts(until: april).count == 2)
    }
}
