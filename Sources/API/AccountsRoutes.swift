import Foundation
import Hummingbird
import SIP
import Store

/// Accounts: fetch and update one's own; create, list, suspend and close sub-accounts.
/// A sub-account's auth token is shown once, in the response that creates it.
struct AccountsRoutes {
    let accounts: any AccountRepository
    /// Where the Clients of an account that stops being active are unregistered.
    let registrar: Registrar
    /// Forgotten after a change, so calls and registrations see it at once.
    let cache: CachedAccountRepository?
    /// Seals each new auth token, so webhooks of the account can be signed with it.
    let sealer: TokenSealer
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts") { request, context in try await list(request, context) }
        group.post("Accounts") { request, context in try await create(request, context) }
        group.get("Accounts/{accountSid}") { _, context in
            let account = try await scope.resolve(context)
            return render(account, token: nil, context: context)
        }
        group.update("Accounts/{accountSid}") { request, context in try await update(request, context) }
        group.delete("Accounts/{accountSid}") { _, _ -> Response in
            throw APIError(
                status: .methodNotAllowed, code: 20004,
                message: "Accounts are not deleted; POST Status=closed to close one")
        }
    }

    private func list(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let caller = try context.requireAuthenticated()
        let query = try request.queryForm()
        let filter = AccountFilter(
            friendlyName: query.string("FriendlyName"),
            status: try query.choice("Status", as: AccountStatus.self))
        let result = try await accounts.family(
            of: caller.sid, filter: filter, page: try query.pageRequest())
        var filters: [(String, String)] = []
        if let name = filter.friendlyName { filters.append(("FriendlyName", name)) }
        if let status = filter.status { filters.append(("Status", status.rawValue)) }
        let page = ListPage(
            path: "/Accounts", key: "accounts", listElement: "Accounts", itemElement: "Account")
        return page.response(result, filters: filters, context: context) {
            representation($0, token: nil, context: context)
        }
    }

    private func create(_ request: Request, _ context: ParleyRequestContext) async throws -> Response
    {
        let caller = try context.requireAuthenticated()
        let (account, token) = try await AccountEditor(accounts: accounts, sealer: sealer)
            .createSubaccount(of: caller, form: try await request.formParameters())
        return render(account, token: token, status: .created, context: context)
    }

    private func update(_ request: Request, _ context: ParleyRequestContext) async throws -> Response
    {
        let caller = try context.requireAuthenticated()
        var account = try await scope.resolve(context)
        let form = try await request.formParameters()
        if let name = try form.text("FriendlyName", maxLength: 64) { account.friendlyName = name }
        if let status = try form.choice("Status", as: AccountStatus.self), status != account.status {
            guard account.ownerSid == caller.sid || (caller.role == .administrator && account.sid != caller.sid) else {
                throw APIError.forbidden("Only the owning account or an administrator may change Status")
            }
            guard account.status != .closed else {
                throw APIError.invalidParameter("Status", "a closed account cannot be reopened")
            }
            account.status = status
        }
        try Self.applyLimits(form, to: &account, by: caller)
        account.dateUpdated = Date()
        try await accounts.update(account)
        cache?.forget()
        if account.status != .active {
            // Its Clients and those of its sub-accounts are rung no more.
            let family = try await accounts.family(of: account.sid, filter: AccountFilter(), page: PageRequest(size: PageRequest.maximumSize))
            await registrar.unregister(accounts: Set(family.items.map(\.sid)))
        }
        return render(account, token: nil, context: context)
    }

    /// `MaxConcurrentCalls`, `MaxCallsPerSecond` and `MaxSayCharacters`: set by an
    /// administrator only; `default` (or an empty value) returns to the server's default.
    private static func applyLimits(_ form: FormParameters, to account: inout Account, by caller: Account) throws {
        let fields: [(String, WritableKeyPath<AccountLimits, Int?>)] = [
            ("MaxConcurrentCalls", \.concurrentCalls), ("MaxCallsPerSecond", \.callsPerSecond), ("MaxSayCharacters", \.sayCharacters),
        ]
        for (name, path) in fields {
            guard let text = form.string(name) else { continue }
            guard caller.role == .administrator else { throw APIError.forbidden("Only an administrator may set \(name)") }
            if text.isEmpty || text.lowercased() == "default" {
                account.limits[keyPath: path] = nil
            } else {
                guard let value = Int(text), (1...1_000_000).contains(value) else {
                    throw APIError.invalidParameter(name, "must be a whole number from 1 to 1000000, or default")
                }
                account.limits[keyPath: path] = value
            }
        }
    }

    private func render(
        _ account: Account, token: String?, status: HTTPResponse.Status = .ok,
        context: ParleyRequestContext
    ) -> Response {
        ResourceResponse.make(
            representation(account, token: token, context: context), element: "Account",
            status: status, context: context)
    }

    /// `auth_token` is only known when it was just made; otherwise null (stored hashed).
    private func representation(_ account: Account, token: String?, context: ParleyRequestContext)
        -> ResourceValue
    {
        let sid = account.sid
        return .object([
            "sid": .string(sid.rawValue),
            "owner_account_sid": .string((account.ownerSid ?? sid).rawValue),
            "friendly_name": .string(account.friendlyName),
            "status": .string(account.status.rawValue),
            "type": .string("Full"),
            "role": .string(account.role.rawValue),
            "auth_token": .text(token),
            // Parley's addition: the operator's limits for this account (null: the server's default).
            "max_concurrent_calls": account.limits.concurrentCalls.map(ResourceValue.integer) ?? .null,
            "max_calls_per_second": account.limits.callsPerSecond.map(ResourceValue.integer) ?? .null,
            "max_say_characters": account.limits.sayCharacters.map(ResourceValue.integer) ?? .null,
            "date_created": .string(RFC2822Date.format(account.dateCreated)),
            "date_updated": .string(RFC2822Date.format(account.dateUpdated)),
            "uri": .string(ResourceURI.account(sid, context)),
            "subresource_uris": .object([
                "applications": .string(ResourceURI.list(sid, "Applications", context)),
                "clients": .string(ResourceURI.list(sid, "Clients", context)),
                "notifications": .string(ResourceURI.list(sid, "Notifications", context)),
            ]),
        ])
    }
}
