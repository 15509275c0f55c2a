import API
import Addressing
import Logging
import NIOSSL
import SIP
import ServiceLifecycle

/// Runs the SIP transports for the life of the process: binds UDP and TCP, reports the
/// listener to `/health`, registers with the trunks that want it once bound, and closes the
/// sockets on graceful shutdown.
struct SIPService: Service {
    let host: String
    let port: Int
    /// Connections of TCP and TLS peers.
    let quota: ConnectionQuota
    let tls: (port: Int, configuration: TLSConfiguration)?
    let clientTLS: TLSConfiguration
    let endpoint: SIPEndpoint
    let trunkRegistration: TrunkRegistration?
    let health: ListenerHealth
    let logger: Logger

    func run() async throws {
        let transport = try await SIPTransport.bind(
            host: host, port: port, tls: tls, clientTLS: clientTLS, quota: quota, endpoint: endpoint, logger: logger)
        endpoint.attach(
            port: transport.port, tlsPort: transport.tlsPort, send: { bytes, host, port in transport.send(bytes, host: host, port: port) },
            connect: { transport.connect(to: $0) })
        await health.markReady("sip", address: transport.localAddresses.joined(separator: " "))
        logger.info("SIP listening", metadata: ["addresses": "\(transport.localAddresses.joined(separator: " "))"])
        let registering = trunkRegistration.map { registration in Task { await registration.run() } }
        try? await gracefulShutdown()
        registering?.cancel()
        await transport.close()
    }
}
