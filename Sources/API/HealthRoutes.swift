import Hummingbird

/// `GET /health`: 200 with the listeners' addresses once every listener is up, else 503.
/// Unauthenticated, so that load balancers and test harnesses can poll it.
struct HealthRoutes {
    let health: ListenerHealth

    func register(on router: Router<ParleyRequestContext>) {
        router.get("health") { _, context in
            let listeners = await health.snapshot()
            let allUp = listeners.allSatisfy { $0.address != nil }
            let value = ResourceValue.object([
                "status": .string(allUp ? "ok" : "starting"),
                "listeners": .object(listeners.map { .init($0.name, .text($0.address)) }),
            ])
            return ResourceResponse.make(
                value, element: "Health", status: allUp ? .ok : .serviceUnavailable,
                context: context)
        }
    }
}
