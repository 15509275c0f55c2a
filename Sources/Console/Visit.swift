import Store

/// A signed-in request: who, in which session, looking at which account.
struct Visit: Sendable {
    let user: ConsoleUser
    let session: ConsoleSession
    /// The account the pages show (the user's own or a sub-account of it).
    let account: Account
    /// The accounts the switcher offers: the user's own first, then its sub-accounts.
    let accounts: [Account]

    var isAdmin: Bool { user.role == .admin }
}
