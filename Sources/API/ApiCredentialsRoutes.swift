import Foundation
import Hummingbird
import Store

/// An account's credentials for the Number Management API, managed with Basic auth:
/// `ApiKeys` (OAuth2 client_id/client_secret pairs) and `ApiTokens` (permanent bearer tokens).
/// Secrets and tokens are shown once, in the response that creates them, and stored hashed.
struct ApiCredentialsRoutes {
    let accounts: any AccountRepository
    let credentials: any CredentialRepository
    let desk: CredentialDesk
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts/{accountSid}/ApiKeys") { _, context in
            let account = try await scope.resolve(context)
            let keys = try await credentials.keys(of: account.sid)
            return list(keys, key: "api_keys", element: "ApiKey", path: "/Accounts/\(account.sid)/ApiKeys", context: context) {
                keyRepresentation($0, secret: nil, context: context)
            }
        }
        group.post("Accounts/{accountSid}/ApiKeys") { request, context in
            let account = try await scope.resolve(context, access: .write)
            let (key, secret) = try await desk.createKey(for: account.sid, form: try await request.formParameters())
            return ResourceResponse.make(
                keyRepresentation(key, secret: secret, context: context), element: "ApiKey", status: .created,
                context: context)
        }
        group.delete("Accounts/{accountSid}/ApiKeys/{clientId}") { _, context in
            let account = try await scope.resolve(context, access: .write)
            try await desk.deleteKey(context.parameters.get("clientId") ?? "", of: account.sid)
            return ResourceResponse.noContent()
        }
        group.get("Accounts/{accountSid}/ApiTokens") { _, context in
            let account = try await scope.resolve(context)
            let tokens = try await credentials.permanentTokens(of: account.sid)
            return list(tokens, key: "api_tokens", element: "ApiToken", path: "/Accounts/\(account.sid)/ApiTokens", context: context) {
                tokenRepresentation($0, token: nil, context: context)
            }
        }
        group.post("Accounts/{accountSid}/ApiTokens") { request, context in
            let account = try await scope.resolve(context, access: .write)
            let (record, token) = try await desk.createToken(for: account.sid, form: try await request.formParameters())
            return ResourceResponse.make(
                tokenRepresentation(record, token: token, context: context), element: "ApiToken", status: .created,
                context: context)
        }
        group.delete("Accounts/{accountSid}/ApiTokens/{sid}") { _, context in
            let account = try await scope.resolve(context, access: .write)
            try await desk.deleteToken(try context.sidParameter("sid"), of: account.sid)
            return ResourceResponse.noContent()
        }
    }

    private func list<Item: Sendable>(
        _ items: [Item], key: String, element: String, path: String, context: ParleyRequestContext,
        item: (Item) -> ResourceValue
    ) -> Response {
        let page = ListPage(path: path, key: key, listElement: element + "s", itemElement: element)
        let result = PageResult(items: items, total: items.count, request: PageRequest(size: PageRequest.maximumSize))
        return page.response(result, filters: [], context: context, item: item)
    }

    private func keyRepresentation(_ key: ApiKey, secret: String?, context: ParleyRequestContext) -> ResourceValue {
        .object([
            "client_id": .string(key.clientId),
            "client_secret": .text(secret),
            "account_sid": .string(key.accountSid.rawValue),
            "friendly_name": .string(key.friendlyName),
            "date_created": .string(RFC2822Date.format(key.dateCreated)),
            "uri": .string(ResourceURI.item(key.accountSid, "ApiKeys", key.clientId, context)),
        ])
    }

    private func tokenRepresentation(_ record: PermanentToken, token: String?, context: ParleyRequestContext)
        -> ResourceValue
    {
        .object([
            "sid": .string(record.sid.rawValue),
            "token": .text(token),
            "account_sid": .string(record.accountSid.rawValue),
            "friendly_name": .string(record.friendlyName),
            "date_created": .string(RFC2822Date.format(record.dateCreated)),
            "uri": .string(ResourceURI.item(record.accountSid, "ApiTokens", record.sid, context)),
        ])
    }
}
