import Hummingbird
import Store

/// Resolves the `{accountSid}` of a path against the authenticated account: an account reaches
/// its own resources and its sub-accounts', nothing else; an administrator (the operator)
/// reaches every account. Unknown and foreign SIDs get the same 403, so the answer does not
/// reveal which accounts exist.
struct AccountScope {
    let accounts: any AccountRepository

    enum Access {
        case read
        /// Creating or changing resources needs the target account to be active.
        case write
    }

    func resolve(_ context: ParleyRequestContext, access: Access = .read) async throws -> Account {
        let caller = try context.requireAuthenticated()
        let raw = context.parameters.get("accountSid") ?? ""
        guard let sid = AccountSid(raw) else {
            throw APIError.invalidParameter("AccountSid", "'\(raw)' is not an AC SID")
        }
        if sid == caller.sid { return caller }
        guard let target = try await accounts.find(sid), caller.governs(target) || caller.role == .administrator else {
            throw APIError.forbidden("Account \(caller.sid) may not access account \(sid)")
        }
        if access == .write, target.status != .active { throw APIError.inactiveAccount }
        return target
    }
}

extension ParleyRequestContext {
    /// A path parameter parsed as a SID; a malformed one is simply not found.
    func sidParameter<Kind>(_ name: String) throws -> Sid<Kind> {
        let raw = parameters.get(name) ?? ""
        guard let sid = Sid<Kind>(raw) else { throw APIError.notFound(raw) }
        return sid
    }
}

extension Request {
    /// The form body (at most 64 KiB): Twilio's libraries send all input this way.
    public func formParameters() async throws -> FormParameters {
        var copy = self
        let buffer = try await copy.collectBody(upTo: 64 * 1024)
        return try FormParameters(encoded: String(buffer: buffer))
    }

    /// The query string's parameters (list filters, paging).
    public func queryForm() throws -> FormParameters {
        try FormParameters(encoded: uri.query ?? "")
    }
}
