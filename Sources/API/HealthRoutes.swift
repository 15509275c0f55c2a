import Hummingbird

/// `GET /health`: 200 with the listeners' addresses once every listener is up, else 503
/// `starting`; 503 `draining` once shutdown began.
/// Unauthenticated, so that load balancers and test harnesses can poll it.
struct HealthRoutes {
    let health: ListenerHealth

    func register(on router: Router<ParleyRequestContext>) {
        router.get("health") { _, context in
            let listeners = await health.snapshot()
            let allUp = listeners.allSatisfy { $0.address != nil }
            let draining = await health.draining
            let value = ResourceValue.object([
                "status": .string(draining ? "draining" : allUp ? "ok" : "starting"),
                "listeners": .object(listeners.map { .init($0.name, .text($0.address)) }),
            ])
            return ResourceResponse.make(
                value, element: "Health", status: allUp && !draining ? .ok : .serviceUnavailable,
                context: context)
        }
    }
}
