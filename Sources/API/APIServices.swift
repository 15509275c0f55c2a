import Messaging
import SIP
import Store
import Voice

/// What the REST layer needs from below: the repositories and the SIP realm used to hash
/// client passwords. Built by the composition root.
public struct APIServices: Sendable {
    public let accounts: any AccountRepository
    public let applications: any ApplicationRepository
    public let clients: any ClientRepository
    public let notifications: any NotificationRepository
    public let numbers: any NumberRepository
    public let calls: any CallRepository
    public let credentials: any CredentialRepository
    public let messages: any MessageRepository
    /// Sends SMS (`POST Messages`).
    public let sms: SMSService
    public let emails: any EmailRepository
    /// Sends e-mail (`POST Email/Messages`).
    public let email: EmailService
    /// One-time passwords (`/v2/Services…`).
    public let verify: VerifyService
    /// The console's users (`Users`, and the console itself).
    public let users: UserDirectory
    /// Where Parley is reached: set-password links point here.
    public let publicURL: String
    /// The clock of every time-dependent rule.
    public let clock: any WallClock
    /// Set only when the operator enabled `--test-clock`: then `POST /test/clock` moves it.
    public let testClock: AdjustableClock?
    /// The SIP registrar, for the Registrations of a Client.
    public let registrar: Registrar
    /// Starts outbound calls (`POST Calls`).
    public let outboundCalls: OutboundCalls
    /// Steers live calls by CallSid (`POST Calls/{CallSid}`).
    public let liveCalls: LiveCalls
    /// Recordings: their rows, files and public URLs.
    public let recordings: RecordingLibrary
    /// Conference rooms in progress (participants, mute, kick) and their records.
    public let conferences: Conferences
    /// Call queues: their records and members.
    public let queues: Queues
    /// Seals the auth tokens of new sub-accounts (see `TokenSealer`).
    public let tokenSealer: TokenSealer
    /// The digest realm client passwords are hashed for (the SIP registrar's realm).
    public let sipRealm: String
    public let health: ListenerHealth
    /// The accounts the SIP and call paths read through a cache: told when the API changes one.
    public let accountCache: CachedAccountRepository?

    public init(
        accounts: any AccountRepository, applications: any ApplicationRepository,
        clients: any ClientRepository, notifications: any NotificationRepository,
        numbers: any NumberRepository, calls: any CallRepository, credentials: any CredentialRepository,
        messages: any MessageRepository, sms: SMSService, emails: any EmailRepository, email: EmailService, verify: VerifyService,
        users: UserDirectory, publicURL: String, clock: any WallClock, testClock: AdjustableClock? = nil, registrar: Registrar,
        outboundCalls: OutboundCalls, liveCalls: LiveCalls, recordings: RecordingLibrary, conferences: Conferences, queues: Queues, tokenSealer: TokenSealer, sipRealm: String,
        health: ListenerHealth, accountCache: CachedAccountRepository? = nil
    ) {
        self.accountCache = accountCache
        self.tokenSealer = tokenSealer
        self.registrar = registrar
        self.outboundCalls = outboundCalls
        self.liveCalls = liveCalls
        self.recordings = recordings
        self.conferences = conferences
        self.queues = queues
        self.numbers = numbers
        self.calls = calls
        self.credentials = credentials
        self.messages = messages
        self.sms = sms
        self.emails = emails
        self.email = email
        self.verify = verify
        self.users = users
        self.publicURL = publicURL
        self.clock = clock
        self.testClock = testClock
        self.accounts = accounts
        self.applications = applications
        self.clients = clients
        self.notifications = notifications
        self.sipRealm = sipRealm
        self.health = health
    }
}
