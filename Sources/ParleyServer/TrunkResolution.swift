import Addressing
import Logging
import SIP
import ServiceLifecycle

/// Resolves the trunks' host names again on an interval, so a carrier gateway that moves in
/// DNS is followed without a restart (getaddrinfo blocks, so it runs on a detached task).
/// With only addresses to follow, it waits for the shutdown (a service that returns early
/// stops the whole group).
struct TrunkResolution: Service {
    let trunks: Trunks
    let interval: Duration
    let logger: Logger

    func run() async throws {
        guard trunks.gateways.contains(where: { !IPAddress.isLiteral($0.uri.host) }) else {
            try? await gracefulShutdown()
            return
        }
        let trunks = self.trunks
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                for gateway in await Task.detached(operation: { trunks.refresh() }).value {
                    logger.notice("trunk resolves to new addresses", metadata: ["trunk": "\(gateway.uri)", "addresses": "\(gateway.addresses)"])
                }
            }
        }
    }
}
