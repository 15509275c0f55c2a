import API
import Addressing
import Console
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import Media
import Messaging
import NIOPosix
import SMPP
import SMPPMessages
import SMTP
import OTel
import Prometheus
import SIP
import Speech
import SIPMessages
import ServiceLifecycle
import Store
import Tracing
import UnixSignals
import Voice

/// The composition root of `parley serve`: opens the store, makes sure an administrator
/// exists, starts every listener and runs until SIGTERM or SIGINT, then drains its calls
/// (`CallDrain`; a second signal cuts the wait short) and stops.
public struct ParleyServer: Sendable {
    let configuration: ServerConfiguration
    let logger: Logger
    /// Where the layers' metrics are kept (`MetricsExporter.bootstrap` pointed swift-metrics
    /// at it); `/metrics` shows it.
    let metrics: PrometheusCollectorRegistry

    public init(configuration: ServerConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    public func run(environment: [String: String]) async throws {
        let tracing = try configuration.otelEndpoint.map(startTracing)
        let directory = DataDirectory(path: configuration.dataDirectory)
        for path in try directory.prepare() {
            logger.warning("others could reach a file of the data directory; restricted to its owner", metadata: ["path": "\(path)"])
        }
        let store = try SQLiteStore(path: directory.databasePath)
        // Every call record written is also told to the console's live logs.
        let calls = ObservedCallRepository(store.calls)
        let sealer = try directory.tokenSealer()
        let consoleUsers = UserDirectory(users: store.consoleUsers, sessions: store.consoleSessions)
        let bootstrap = AdministratorBootstrap(
            accounts: store.accounts, consoleUsers: consoleUsers, dataDirectory: directory.path, sealer: sealer)
        switch try await bootstrap.run(environment: environment) {
        case .alreadyInitialised:
            break
        case .createdFromEnvironment(let sid):
            logger.notice("administrator account created from the environment", metadata: ["sid": "\(sid)"])
        case .generated(let sid, let token, let console, let file):
            // Shown once, never through the logger, and the secrets only on a terminal: a
            // service's standard output ends up in a journal others may read.
            let notice =
                isatty(STDOUT_FILENO) == 1
                ? """
                    Administrator account created. Save these credentials; they are not shown again.
                      AccountSid: \(sid)
                      AuthToken:  \(token)
                      Console:    \(configuration.publicURL)/console
                        e-mail:   \(console.email)
                        password: \(console.password)
                      (also written to \(file), mode 0600)

                    """
                : """
                    Administrator account created.
                      AccountSid: \(sid)
                      AuthToken:  in \(file) (mode 0600), with the console password; shown only when Parley runs on a terminal
                      Console:    \(configuration.publicURL)/console (e-mail \(console.email))

                    """
            FileHandle.standardOutput.write(Data(notice.utf8))
        }
        try await loadNumberPool(into: store.numbers)
        // Calls cut by a crash or kill are closed in their records before anything else runs.
        let closed = try await calls.closeOpenCalls(at: Date())
        if closed > 0 { logger.notice("closed the records of calls cut by the last stop", metadata: ["calls": "\(closed)"]) }
        _ = try await store.conferences.closeOpen(at: Date())
        logger.info(
            "configuration",
            metadata: [
                "data-dir": "\(configuration.dataDirectory)",
                "http": "\(configuration.httpHost):\(configuration.httpPort)",
                "sip": "\(configuration.sipHost):\(configuration.sipPort)",
                "rtp-ports": "\(configuration.rtpPorts.lowerBound)-\(configuration.rtpPorts.upperBound)",
                "public-url": "\(configuration.publicURL)",
                "sip-advertise": "\(configuration.sipAdvertise?.description ?? "per peer")",
                "rtp-advertise": "\(configuration.rtpAdvertise ?? "per peer")",
                "trunk": "\(configuration.trunks.isEmpty ? "none" : configuration.trunks.map(\.description).joined(separator: ","))",
            ])

        // One certificate for SIP over TLS and HTTPS, checked now so a bad file stops the start.
        let tls = try configuration.tls.map { files in
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificateChain).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: files.privateKey, format: .pem)))
            _ = try NIOSSLContext(configuration: configuration)
            return configuration
        }
        // Parley's own TLS connections (sips: targets) trust the system's CAs and the operator's.
        var clientTLS = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.tlsCAFile { clientTLS.additionalTrustRoots = [.file(file)] }
        _ = try NIOSSLContext(configuration: clientTLS)
        if tls == nil, !IPAddress.isLoopback(configuration.httpHost) {
            logger.warning(
                "HTTP is served in clear on a non-loopback address; give --tls-certificate and --tls-key to serve HTTPS",
                metadata: ["http": "\(configuration.httpHost)"])
        }
        let health = ListenerHealth(expected: ["http", "sip", "metrics"])
        let testClock = configuration.testClock ? AdjustableClock() : nil
        if testClock != nil { logger.warning("--test-clock: administrators may move the clock") }
        let clock: any WallClock = testClock ?? SystemClock()
        // The SIP and call paths read accounts through a cache (the API reads them fresh).
        let cachedAccounts = CachedAccountRepository(store.accounts)
        let authenticator = DigestAuthenticator(
            clients: store.clients, accounts: cachedAccounts, realm: configuration.sipRealm,
            algorithms: configuration.digestAlgorithms, clock: clock, logger: Logger(label: "parley.sip"))
        let registrar = Registrar(authenticator: authenticator, clock: clock)
        // PSTN calls come from the configured trunks only; their names are resolved before
        // the listeners start and again every minute.
        let trunks = Trunks(gateways: configuration.trunks, sources: configuration.trunkSources, credentials: configuration.trunkCredentials)
        _ = await Task.detached { trunks.refresh() }.value
        for gateway in trunks.gateways where gateway.addresses.isEmpty {
            logger.warning("trunk does not resolve yet; PSTN calls cannot use it", metadata: ["trunk": "\(gateway.uri)"])
        }
        let addresses = configuration.advertisedAddresses
        let media = try await MediaEngine.start(
            host: configuration.sipHost, ports: configuration.rtpPorts, rtpTimeout: .seconds(configuration.rtpTimeout))
        let live = LiveCalls()
        let speech: SpeechSynthesizer?
        do {
            speech = try SpeechSynthesizer()
        } catch {
            logger.warning("espeak-ng could not start: <Say> will fail", metadata: ["error": "\(error)"])
            speech = nil
        }
        let recognizer = SpeechRecognizer()
        if let recognizer {
            Task.detached(priority: .background) { await recognizer.warmUp() }
        } else {
            logger.warning("pocketsphinx's US English model is not installed: <Gather input=\"speech\"> takes keys only")
        }
        // Everything fetched from a URL a tenant gave goes through one guard.
        let web = GuardedHTTPClient(
            policy: EgressPolicy(allowed: configuration.webhookAllowed, ownPorts: configuration.listeningPorts), tls: clientTLS)
        let fetcher = RCMLFetcher(
            http: web, accounts: store.accounts, notifications: store.notifications, sealer: sealer, clock: clock,
            logger: Logger(label: "parley.webhooks"))
        let recordings = RecordingLibrary(
            directory: directory.recordingsPath, recordings: store.recordings, publicURL: configuration.publicURL, clock: clock,
            logger: Logger(label: "parley.recordings"))
        // Recordings cut by the last stop are completed with what their files hold.
        try await recordings.closeUnfinished()
        let audio = AudioCache(http: web, library: recordings)
        let conferences = Conferences(
            media: media, audio: audio, fetcher: fetcher, records: store.conferences, library: recordings, clock: clock,
            logger: Logger(label: "parley.conferences"))
        let queues = Queues(records: store.queues, media: media, clock: clock)
        let smpp = configuration.messaging.smsc.map { smsc in
            SMPPClient(
                configuration: .init(
                    host: smsc.host, port: smsc.port,
                    bind: BindRequest(systemID: smsc.systemID, password: smsc.password, systemType: smsc.systemType), window: smsc.window),
                group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "parley.smpp"))
        }
        if smpp == nil { logger.warning("no SMSC (--smpp): SMS are accepted and wait in their queue") }
        let sms = SMSService(
            configuration: .init(
                sender: configuration.messaging.sender, ratePerAccount: configuration.messaging.ratePerAccount,
                concurrency: configuration.messaging.smsc?.window ?? 64),
            messages: store.messages, numbers: store.numbers, applications: store.applications, carrier: smpp, fetcher: fetcher,
            clock: clock, logger: Logger(label: "parley.sms"))
        await smpp?.deliver(to: { await sms.deliver($0) })
        let relay = configuration.messaging.relay.map { relay in
            SMTPClient(
                configuration: .init(
                    host: relay.host, port: relay.port, username: relay.username, password: relay.password, tls: clientTLS),
                group: MultiThreadedEventLoopGroup.singleton)
        }
        if relay == nil { logger.warning("no mail relay (--smtp): e-mail is accepted and waits in its queue") }
        let email = EmailService(
            configuration: .init(sender: configuration.messaging.emailFrom), emails: store.emails, relay: relay, clock: clock,
            logger: Logger(label: "parley.email"))
        let runtime = RCMLRuntime(
            fetcher: fetcher, audio: audio, speech: speech, recognizer: recognizer, recordings: recordings, conferences: conferences,
            queues: queues, admission: CallAdmission(defaults: configuration.callLimits, accounts: cachedAccounts), textMessages: sms,
            emails: email)
        let router = InboundCallRouter(
            accounts: cachedAccounts, numbers: store.numbers, applications: store.applications, calls: calls, clients: store.clients,
            runtime: runtime, authenticator: authenticator, trunks: trunks, addresses: addresses,
            media: media, live: live, clock: clock, logger: Logger(label: "parley.voice"))
        let endpoint = SIPEndpoint(registrar: registrar, callHandler: router, addresses: addresses, logger: Logger(label: "parley.sip"))
        let destinations = DestinationPolicy(
            trunks: trunks, egress: EgressPolicy(allowed: configuration.sipAllowed, ownPorts: configuration.listeningPorts))
        let outbound = OutboundCalls(
            endpoint: endpoint, registrar: registrar, numbers: store.numbers, clients: store.clients, calls: calls,
            trunks: trunks, policy: destinations, clientCallerID: configuration.clientCallerID, addresses: addresses, media: media,
            runtime: runtime, live: live, clock: clock, logger: Logger(label: "parley.voice"))
        let registration = configuration.trunkRegister ? trunks.credentials.map { credentials in
            TrunkRegistration(trunks: trunks, credentials: credentials, endpoint: endpoint, logger: Logger(label: "parley.sip"))
        } : nil
        let sip = SIPService(
            host: configuration.sipHost, port: configuration.sipPort,
            quota: ConnectionQuota(perSource: configuration.connectionsPerSource, total: 10_000),
            tls: tls.flatMap { tls in configuration.sipTLSPort.map { (port: $0, configuration: tls) } }, clientTLS: clientTLS,
            endpoint: endpoint, trunkRegistration: registration, health: health,
            logger: logger)
        let verify = VerifyService(
            configuration: .init(
                codeLifetime: TimeInterval(configuration.messaging.verifyCodeLifetimeMinutes * 60),
                verificationsPerAccountPerMinute: configuration.messaging.verifyRatePerMinute,
                verificationsPerSourcePerMinute: configuration.messaging.verifyRatePerMinute, callerID: configuration.messaging.verifyCallerID),
            verifications: store.verifications, sms: sms, email: email,
            calls: outbound, fetcher: fetcher, clock: clock, logger: Logger(label: "parley.verify"))
        let services = APIServices(
            accounts: store.accounts, applications: store.applications, clients: store.clients,
            notifications: store.notifications, numbers: store.numbers, calls: calls,
            credentials: store.credentials, messages: store.messages, sms: sms, emails: store.emails, email: email, verify: verify,
            users: consoleUsers, publicURL: configuration.publicURL, clock: clock, testClock: testClock,
            registrar: registrar, outboundCalls: outbound, liveCalls: live, recordings: recordings, conferences: conferences,
            queues: queues, tokenSealer: sealer,
            sipRealm: configuration.sipRealm, health: health, accountCache: cachedAccounts)
        let logger = self.logger
        // Slow and idle clients are cut, and no source holds more than its share of sockets
        // (a trusted reverse proxy speaks for many clients: it is exempt).
        let http1 = ParleyAPI.channelConfiguration(
            quota: ConnectionQuota(perSource: configuration.connectionsPerSource, total: 10_000, exempt: configuration.trustedProxies))
        let http = Application(
            responder: ParleyAPI.responder(
                services: services, trustedProxies: configuration.trustedProxies,
                additionalRoutes: { router in
                    ConsoleRoutes(
                        services: ConsoleServices(
                            api: services, users: store.consoleUsers, sessions: store.consoleSessions, callChanges: calls.changes,
                            secureCookies: tls != nil || configuration.publicURL.hasPrefix("https:"))
                    ).register(on: router)
                }),
            server: try tls.map { try .tls(.http1(configuration: http1), tlsConfiguration: $0) } ?? .http1(configuration: http1),
            configuration: .init(
                address: .hostname(configuration.httpHost, port: configuration.httpPort),
                serverName: "Parley"),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                await health.markReady("http", address: address)
                logger.info("HTTP listening", metadata: ["address": "\(address)"])
            },
            logger: logger)
        let exporter = MetricsExporter(
            registry: metrics, media: media, endpoint: endpoint, registrar: registrar, conferences: conferences, queues: queues)
        let metricsListener = MetricsListener(
            exporter: exporter, host: configuration.metricsHost, port: configuration.metricsPort, health: health, logger: logger)
        let drain = CallDrain(
            live: live, callbacks: fetcher.callbacksInFlight, health: health, timeout: configuration.drainTimeout, logger: logger)
        // Services stop in reverse order: the drain first, the listeners, then the exporter of
        // traces, which sends what it still holds.
        let group = ServiceGroup(
            configuration: .init(
                services: (tracing.map { [$0] } ?? []) + [
                    sip, http, metricsListener.application, Retention(
                        library: recordings, calls: calls, notifications: store.notifications, consoleSessions: store.consoleSessions,
                        callDays: configuration.retainCallsDays, notificationDays: configuration.retainNotificationsDays, clock: clock,
                        interval: testClock == nil ? .seconds(600) : .seconds(1)),
                    TrunkResolution(trunks: trunks, interval: .seconds(60), logger: logger),
                    MessagingService(sms: sms, smpp: smpp, email: email, emailRelayed: relay != nil, logger: logger), drain,
                ],
                logger: logger))
        // The first SIGTERM or SIGINT starts the shutdown; another one cuts the drain short.
        let signals = Task {
            var caught = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                caught += 1
                logger.notice("signal caught", metadata: ["signal": "\(signal)"])
                if caught == 1 { await group.triggerGracefulShutdown() } else { drain.cutShort() }
            }
        }
        defer { signals.cancel() }
        try await group.run()
        await web.shutdown()
        await media.shutdown()
        logger.info("stopped")
    }

    /// Sends spans to the OTLP/HTTP collector at `endpoint` (`/v1/traces`): returns the
    /// exporter's service, which the group runs.
    private func startTracing(endpoint: String) throws -> any Service {
        var otel = OTel.Configuration.default
        otel.serviceName = "parley"
        otel.logs.enabled = false
        otel.metrics.enabled = false
        otel.traces.enabled = true
        otel.traces.otlpExporter.protocol = .httpProtobuf
        otel.traces.otlpExporter.endpoint = endpoint.hasSuffix("/") ? endpoint + "v1/traces" : endpoint + "/v1/traces"
        otel.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        otel.diagnosticLogger = .custom(Logger(label: "parley.otel"))
        let (tracer, service) = try OTel.makeTracingBackend(configuration: otel)
        InstrumentationSystem.bootstrap(tracer)
        logger.info("traces go to the OTLP collector", metadata: ["endpoint": "\(otel.traces.otlpExporter.endpoint)"])
        return service
    }

    /// Adds the numbers of the pool file that the database does not know yet. The file is
    /// `--number-pool`, else `Fixtures/number-pool.json` in a checkout, else the one installed
    /// beside the binary (`PREFIX/share/parley/number-pool.json`).
    private func loadNumberPool(into numbers: any NumberRepository) async throws {
        let installed = URL(filePath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appending(path: "../share/parley/number-pool.json").standardized.path(percentEncoded: false)
        guard let path = configuration.numberPool
            ?? ["Fixtures/number-pool.json", installed].first(where: FileManager.default.fileExists(atPath:))
        else {
            if try await numbers.poolSize() == 0 {
                logger.warning("no number pool: number searches and reservations will fail until one is given with --number-pool")
            } else {
                logger.notice("no number pool file; the pool stays as stored")
            }
            return
        }
        let pool = try NumberPoolFile(path: path)
        let added = try await numbers.loadPool(pool.numbers)
        logger.info("number pool loaded", metadata: ["file": "\(path)", "numbers": "\(pool.numbers.count)", "added": "\(added)"])
    }
}
