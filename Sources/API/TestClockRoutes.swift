import Hummingbird
import Store

/// `POST /test/clock` with `AdvanceSeconds`: moves Parley's clock forward so tests can check
/// freezes and expiries without waiting. Exists only when the server was started with
/// `--test-clock`, and only an administrator may call it.
struct TestClockRoutes {
    let clock: AdjustableClock
    let accounts: any AccountRepository
    let throttle: LoginThrottle

    func register(on router: Router<ParleyRequestContext>) {
        router.group("test")
            .add(middleware: BasicAuthenticator(accounts: accounts, throttle: throttle))
            .post("clock") { request, context in
                guard try context.requireAuthenticated().role == .administrator else {
                    throw APIError.forbidden("Only an administrator may move the clock")
                }
                let form = try await request.formParameters()
                guard let seconds = try form.integer("AdvanceSeconds", in: 0...(10 * 365 * 86400)) else {
                    throw APIError.missingParameter("AdvanceSeconds")
                }
                let offset = clock.advance(by: Double(seconds))
                return ResourceResponse.make(
                    .object([
                        "offset_seconds": .integer(Int(offset)),
                        "now": .string(RFC2822Date.format(clock.now())),
                    ]), element: "Clock", context: context)
            }
    }
}
