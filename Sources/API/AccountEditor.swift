import Foundation
import Store

/// Sub-accounts and account names, for the REST API and the console alike.
public struct AccountEditor: Sendable {
    let accounts: any AccountRepository
    let sealer: TokenSealer

    public init(accounts: any AccountRepository, sealer: TokenSealer) {
        self.accounts = accounts
        self.sealer = sealer
    }

    /// A new sub-account of `owner` (named by `FriendlyName` in `form`) and its AuthToken, shown once.
    public func createSubaccount(of owner: Account, form: FormParameters) async throws -> (account: Account, token: String) {
        guard owner.ownerSid == nil else { throw APIError.forbidden("A sub-account cannot create sub-accounts") }
        let now = Date()
        let token = RandomHex.string(byteCount: 16)
        let name = try form.text("FriendlyName", maxLength: 64).flatMap { $0.isEmpty ? nil : $0 }
        let account = Account(
            sid: .generate(), ownerSid: owner.sid, friendlyName: name ?? "SubAccount Created at \(RFC2822Date.format(now))",
            status: .active, role: .user, authTokenHash: SecretHash.token(token), authTokenSealed: sealer.seal(token),
            dateCreated: now, dateUpdated: now)
        try await accounts.insert(account)
        return (account, token)
    }
}
