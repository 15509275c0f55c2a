import Foundation
import Store
import Testing

@testable import Voice

/// Accounts whose limits are fixed in the test.
private struct LimitedAccounts: AccountRepository {
    var limits: [AccountSid: AccountLimits] = [:]
    func insert(_ account: Account) async throws {}
    func update(_ account: Account) async throws {}
    func find(_ sid: AccountSid) async throws -> Account? {
        Account(
            sid: sid, ownerSid: nil, friendlyName: "a", status: .active, role: .user, authTokenHash: "", limits: limits[sid] ?? AccountLimits(),
            dateCreated: Date(), dateUpdated: Date())
    }
    func family(of sid: AccountSid, filter: AccountFilter, page: PageRequest) async throws -> PageResult<Account> {
        PageResult(items: [], total: 0, request: page)
    }
    func all() async throws -> [Account] { [] }
}

@Suite("Call admission")
struct CallAdmissionTests {
    @Test("an account gets as many legs at once as its limit, and a place back when one ends; others are not affected")
    func concurrency() async throws {
        let limited = AccountSid.generate()
        let other = AccountSid.generate()
        let admission = CallAdmission(
            defaults: .init(concurrentCalls: 50, callsPerSecond: 1000),
            accounts: LimitedAccounts(limits: [limited: AccountLimits(concurrentCalls: 2)]))
        try await admission.admit(limited)
        try await admission.admit(limited)
        await #expect(throws: CallAdmission.Refusal.concurrentCalls(limit: 2)) { try await admission.admit(limited) }
        try await admission.admit(other)
        admission.release(limited)
        try await admission.admit(limited)
        #expect(admission.active(limited) == 2 && admission.active(other) == 1)
    }

    @Test("a burst of the per-second limit is admitted, the next call is refused until tokens come back")
    func rate() async throws {
        let account = AccountSid.generate()
        let admission = CallAdmission(defaults: .init(concurrentCalls: 1000, callsPerSecond: 3), accounts: LimitedAccounts())
        for _ in 0..<3 { try await admission.admit(account) }
        await #expect(throws: CallAdmission.Refusal.callRate(limit: 3)) { try await admission.admit(account) }
        #expect(CallAdmission.Refusal.callRate(limit: 3).retryAfter == 1)
        #expect(admission.active(account) == 3)  // a refused call takes no place
    }

    @Test("a Say's length limit is the account's own, else the default")
    func say() async {
        let account = AccountSid.generate()
        let admission = CallAdmission(
            defaults: .init(sayCharacters: 4096), accounts: LimitedAccounts(limits: [account: AccountLimits(sayCharacters: 20)]))
        #expect(await admission.sayCharacters(for: account) == 20)
        #expect(await admission.sayCharacters(for: .generate()) == 4096)
    }
}
