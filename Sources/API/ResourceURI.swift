import Store

/// The `uri` fields of resources, under the root the request came in on.
enum ResourceURI {
    static func account(_ sid: AccountSid, _ context: ParleyRequestContext) -> String {
        context.root.path + "/Accounts/\(sid).json"
    }

    static func list(_ account: AccountSid, _ list: String, _ context: ParleyRequestContext)
        -> String
    {
        context.root.path + "/Accounts/\(account)/\(list).json"
    }

    static func item(
        _ account: AccountSid, _ list: String, _ sid: some CustomStringConvertible,
        _ context: ParleyRequestContext
    ) -> String {
        context.root.path + "/Accounts/\(account)/\(list)/\(sid).json"
    }
}
