import Hummingbird
import NIOCore
import Store

/// Per-request state: the response format and path root chosen before routing, the remote
/// address for throttling, and the account the credentials proved.
public struct ParleyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var format: ResponseFormat = .xml
    public var root: APIRoot = .twilio
    public var authenticatedAccount: Account?
    /// The client's address: the connection's peer, or what a trusted proxy says it is.
    public var remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The account proved by Basic auth; routes behind `BasicAuthenticator` always have one.
    func requireAuthenticated() throws -> Account {
        guard let account = authenticatedAccount else { throw APIError.unauthenticated }
        return account
    }
}
