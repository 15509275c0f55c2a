import API
import Store

/// What the console needs: the API's services (the same repositories and editors, so one
/// place holds each rule), its users and sessions, and how its cookies are sent.
public struct ConsoleServices: Sendable {
    public let api: APIServices
    public let users: any ConsoleUserRepository
    public let sessions: any ConsoleSessionRepository
    /// Every call record written, for the logs' live view.
    public let callChanges: Broadcast<CallRecord>
    /// Whether the console is served over HTTPS: its cookies are then `Secure`.
    public let secureCookies: Bool

    public init(
        api: APIServices, users: any ConsoleUserRepository, sessions: any ConsoleSessionRepository, callChanges: Broadcast<CallRecord>,
        secureCookies: Bool
    ) {
        self.api = api
        self.users = users
        self.sessions = sessions
        self.callChanges = callChanges
        self.secureCookies = secureCookies
    }
}
