import Hummingbird

/// The REST surface of Parley: `/health`, and every resource under both the Twilio
/// (`/2010-04-01`) and Restcomm (`/restcomm/2012-04-24`) roots, behind Basic auth.
public enum ParleyAPI {
    public static func responder(services: APIServices, throttle: LoginThrottle = LoginThrottle())
        -> some HTTPResponder<ParleyRequestContext>
    {
        let router = Router(context: ParleyRequestContext.self)
        router.middlewares.add(ErrorRenderingMiddleware())
        HealthRoutes(health: services.health).register(on: router)
        for root in APIRoot.allCases {
            let group = router.group(RouterPath(String(root.path.dropFirst())))
                .add(middleware: BasicAuthenticator(accounts: services.accounts, throttle: throttle))
            AccountsRoutes(accounts: services.accounts).register(on: group)
            ApplicationsRoutes(accounts: services.accounts, applications: services.applications)
                .register(on: group)
            ClientsRoutes(
                accounts: services.accounts, applications: services.applications,
                clients: services.clients, sipRealm: services.sipRealm
            ).register(on: group)
            NotificationsRoutes(accounts: services.accounts, notifications: services.notifications)
                .register(on: group)
        }
        return PathNormalizingResponder(router: router.buildResponder())
    }
}
