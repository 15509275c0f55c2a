import Addressing
import Hummingbird
import HummingbirdCore
import Logging
import Store
import Voice

/// The HTTP surface of Parley: `/health`; every REST resource under both the Twilio
/// (`/2010-04-01`) and Restcomm (`/restcomm/2012-04-24`) roots behind Basic auth; OAuth2
/// `/token` and `/revoke`; and the FlexIO Number Management API behind bearer tokens.
public enum ParleyAPI {
    /// The HTTP/1 channel of the API: every connection under an `HTTPConnectionGuard`.
    public static func channelConfiguration(quota: ConnectionQuota) -> HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(additionalChannelHandlers: [HTTPConnectionGuard(quota: quota)])
    }

    /// - Parameters:
    ///   - throttle: failed logins per source (address or IPv6 /64).
    ///   - accountThrottle: failed logins per account named, from any source.
    ///   - trustedProxies: the reverse proxies whose X-Forwarded-For tells the client's address.
    ///   - additionalRoutes: registers what the layers above serve beside the API (the console).
    public static func responder(
        services: APIServices, throttle: LoginThrottle = LoginThrottle(), accountThrottle: LoginThrottle = LoginThrottle(limit: 100, window: 60),
        trustedProxies: [AddressRange] = [], additionalRoutes: (Router<ParleyRequestContext>) -> Void = { _ in }
    ) -> some HTTPResponder<ParleyRequestContext> {
        let router = Router(context: ParleyRequestContext.self)
        router.middlewares.add(ForwardedAddress(trustedProxies: trustedProxies))
        router.middlewares.add(RequestTracing())
        router.middlewares.add(AccessLogMiddleware(logger: Logger(label: "parley.http")))
        router.middlewares.add(ErrorRenderingMiddleware())
        HealthRoutes(health: services.health).register(on: router)
        OpenAPIRoutes().register(on: router)
        OAuthRoutes(
            credentials: services.credentials, accounts: services.accounts, clock: services.clock,
            throttle: throttle
        ).register(on: router)
        let desk = NumberDesk(numbers: services.numbers, clock: services.clock)
        let management = router.group("cpaas-mgmt/1.0.0").add(
            middleware: BearerAuthenticator(
                accounts: services.accounts, credentials: services.credentials, clock: services.clock,
                throttle: throttle))
        NumberManagementRoutes(desk: desk, numbers: services.numbers, clock: services.clock)
            .register(on: management)
        if let testClock = services.testClock {
            TestClockRoutes(clock: testClock, accounts: services.accounts, throttle: throttle)
                .register(on: router)
        }
        let recordings = RecordingsRoutes(accounts: services.accounts, library: services.recordings)
        recordings.registerPublicMedia(on: router)
        let verify = router.group("v2")
            .add(middleware: BasicAuthenticator(accounts: services.accounts, throttle: throttle, accountThrottle: accountThrottle))
        VerifyRoutes(verify: services.verify).register(on: verify)
        for root in APIRoot.allCases {
            let group = router.group(RouterPath(String(root.path.dropFirst())))
                .add(middleware: BasicAuthenticator(accounts: services.accounts, throttle: throttle, accountThrottle: accountThrottle))
            AccountsRoutes(accounts: services.accounts, registrar: services.registrar, cache: services.accountCache, sealer: services.tokenSealer).register(on: group)
            AdminRoutes(calls: services.calls, registrar: services.registrar).register(on: group)
            ApplicationsRoutes(accounts: services.accounts, applications: services.applications)
                .register(on: group)
            ClientsRoutes(
                accounts: services.accounts, applications: services.applications,
                clients: services.clients, registrar: services.registrar, sipRealm: services.sipRealm
            ).register(on: group)
            NotificationsRoutes(accounts: services.accounts, notifications: services.notifications)
                .register(on: group)
            let numbers = NumberEditor(numbers: services.numbers, applications: services.applications, clock: services.clock)
            IncomingPhoneNumbersRoutes(accounts: services.accounts, numbers: services.numbers, editor: numbers).register(on: group)
            AvailablePhoneNumbersRoutes(accounts: services.accounts, editor: numbers).register(on: group)
            ApiCredentialsRoutes(
                accounts: services.accounts, credentials: services.credentials,
                desk: CredentialDesk(
                    accounts: services.accounts, credentials: services.credentials, sealer: services.tokenSealer, cache: services.accountCache)
            ).register(on: group)
            CallsRoutes(accounts: services.accounts, calls: services.calls).register(on: group)
            MessagesRoutes(accounts: services.accounts, messages: services.messages, sms: services.sms).register(on: group)
            UsersRoutes(accounts: services.accounts, users: services.users, email: services.email, publicURL: services.publicURL)
                .register(on: group)
            EmailRoutes(accounts: services.accounts, emails: services.emails, service: services.email).register(on: group)
            CallControlRoutes(
                accounts: services.accounts, applications: services.applications, calls: services.calls, outbound: services.outboundCalls,
                live: services.liveCalls
            ).register(on: group)
            recordings.register(on: group)
            ConferencesRoutes(accounts: services.accounts, conferences: services.conferences).register(on: group)
            QueuesRoutes(accounts: services.accounts, queues: services.queues, clock: services.clock).register(on: group)
        }
        additionalRoutes(router)
        return PathNormalizingResponder(router: router.buildResponder())
    }
}
