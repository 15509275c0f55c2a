import API
import Hummingbird
import Logging
import NIOCore

/// `GET /metrics` on a listener of its own (`--metrics-host`, loopback by default): what
/// Prometheus scrapes, kept apart from the tenants' API.
struct MetricsListener {
    let application: Application<RouterResponder<BasicRequestContext>>

    init(exporter: MetricsExporter, host: String, port: Int, health: ListenerHealth, logger: Logger) {
        let router = Router()
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: await exporter.scrape())))
        }
        application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Parley"),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                await health.markReady("metrics", address: address)
                logger.info("metrics listening", metadata: ["address": "\(address)"])
            },
            logger: logger)
    }
}
