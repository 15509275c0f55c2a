import Store

/// What the REST layer needs from below: the repositories and the SIP realm used to hash
/// client passwords. Built by the composition root.
public struct APIServices: Sendable {
    public let accounts: any AccountRepository
    public let applications: any ApplicationRepository
    public let clients: any ClientRepository
    public let notifications: any NotificationRepository
    /// The digest realm client passwords are hashed for (the SIP registrar's realm).
    public let sipRealm: String
    public let health: ListenerHealth

    public init(
        accounts: any AccountRepository, applications: any ApplicationRepository,
        clients: any ClientRepository, notifications: any NotificationRepository,
        sipRealm: String, health: ListenerHealth
    ) {
        self.accounts = accounts
        self.applications = applications
        self.clients = clients
        self.notifications = notifications
        self.sipRealm = sipRealm
        self.health = health
    }
}
