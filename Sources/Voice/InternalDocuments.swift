import Store
import Synchronization

/// RCML that Parley serves to its own calls (a one-time password read out), under `parley:`
/// URLs: such a URL never leaves the process (the web client refuses the scheme), and a
/// document is given only to calls of the account it was made for.
public final class InternalDocuments: Sendable {
    /// Answers the request for `url` with the request's parameters; nil for nothing usable.
    public typealias Handler = @Sendable (_ url: String, _ parameters: [(String, String)]) async -> RCMLDocument?

    public static let scheme = "parley:"

    private let handlers = Mutex<[String: (account: AccountSid, handler: Handler)]>([:])

    public init() {}

    /// Serves every URL that starts with `prefix` (which starts with `parley:`) to `account`'s calls.
    public func serve(_ prefix: String, for account: AccountSid, _ handler: @escaping Handler) {
        handlers.withLock { $0[prefix] = (account, handler) }
    }

    public func remove(_ prefix: String) {
        handlers.withLock { $0[prefix] = nil }
    }

    func document(_ url: String, parameters: [(String, String)], account: AccountSid) async -> RCMLDocument? {
        let entry = handlers.withLock { table in table.first { url.hasPrefix($0.key) }?.value }
        guard let entry, entry.account == account else { return nil }
        return await entry.handler(url, parameters)
    }
}
