import ArgumentParser
import Foundation
import Logging
import ParleyServer
import Prometheus

/// `parley serve`: every flag also reads a `PARLEY_*` variable; the flag wins.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run Parley: SIP, RTP and the HTTP API in one process.")

    @Option(help: "Database, recordings and caches (PARLEY_DATA_DIR; default ./parley-data).")
    var dataDir: String?
    @Option(help: "HTTP listen address (PARLEY_HTTP_HOST; default 0.0.0.0).")
    var httpHost: String?
    @Option(help: "HTTP port (PARLEY_HTTP_PORT; default 8080).")
    var httpPort: String?
    @Option(help: "SIP and RTP listen address, IPv4 or IPv6 such as :: (PARLEY_SIP_HOST; default 0.0.0.0).")
    var sipHost: String?
    @Option(help: "SIP port, UDP and TCP (PARLEY_SIP_PORT; default 5060).")
    var sipPort: String?
    @Option(help: "SIP over TLS port (PARLEY_SIP_TLS_PORT; default 5061 when a certificate is given).")
    var sipTlsPort: String?
    @Option(help: "PEM certificate chain for SIP over TLS and HTTPS (PARLEY_TLS_CERTIFICATE).")
    var tlsCertificate: String?
    @Option(help: "PEM private key of that certificate (PARLEY_TLS_KEY).")
    var tlsKey: String?
    @Option(help: "PEM CA certificates trusted, beside the system's, for TLS connections Parley opens to sips: targets (PARLEY_TLS_CA_FILE).")
    var tlsCaFile: String?
    @Option(help: "HOST[:PORT] written in Via and Contact instead of the local address, e.g. a NAT's public address (PARLEY_SIP_ADVERTISE; default: the interface toward each peer).")
    var sipAdvertise: String?
    @Option(help: "Address written in SDP instead of the local one (PARLEY_RTP_ADVERTISE; default: the SIP advertised host, else the interface toward each peer).")
    var rtpAdvertise: String?
    @Option(help: "RTP port range LO-HI (PARLEY_RTP_PORTS; default 20000-29999).")
    var rtpPorts: String?
    @Option(help: "Seconds without RTP before a call is hung up as dead (PARLEY_RTP_TIMEOUT; default 30).")
    var rtpTimeout: String?
    @Option(help: "Seconds calls in progress may go on after SIGTERM or SIGINT before Parley hangs them up; a second signal ends the wait (PARLEY_DRAIN_TIMEOUT; default 30).")
    var drainTimeout: String?
    @Option(help: "Days a call record is kept (PARLEY_RETAIN_CALLS_DAYS; default 400).")
    var retainCallsDays: String?
    @Option(help: "Days a Notification is kept (PARLEY_RETAIN_NOTIFICATIONS_DAYS; default 31).")
    var retainNotificationsDays: String?
    @Option(help: "OTLP/HTTP collector to send traces to, e.g. http://127.0.0.1:4318: a span per REST request and per webhook (PARLEY_OTEL_ENDPOINT; default none).")
    var otelEndpoint: String?
    @Option(help: "Address /metrics (Prometheus) listens on (PARLEY_METRICS_HOST; default 127.0.0.1).")
    var metricsHost: String?
    @Option(help: "Port of /metrics (PARLEY_METRICS_PORT; default 9464).")
    var metricsPort: String?
    @Option(help: "Base of URLs handed to applications (PARLEY_PUBLIC_URL; default http://127.0.0.1:<http-port>).")
    var publicUrl: String?
    @Option(help: "Carrier gateways in order of preference, comma-separated: sip: URIs, host names or addresses, e.g. sip:gw.example.net:5060 (PARLEY_TRUNK).")
    var trunk: String?
    @Option(help: "Further sources of PSTN calls, comma-separated: ADDRESS, ADDRESS/BITS or ADDRESS:PORT (PARLEY_TRUNK_SOURCE).")
    var trunkSource: String?
    @Option(help: "User name Parley answers the trunk's digest challenges with (PARLEY_TRUNK_USERNAME).")
    var trunkUsername: String?
    @Option(help: "Password for the trunk's digest challenges (PARLEY_TRUNK_PASSWORD; prefer the variable, which ps does not show).")
    var trunkPassword: String?
    @Flag(help: "Register with each trunk gateway as --trunk-username and keep the registration fresh (PARLEY_TRUNK_REGISTER=1).")
    var trunkRegister = false
    @Option(help: "Private or other reserved blocks that sip: targets of tenants may reach, comma-separated CIDR (PARLEY_SIP_ALLOW_CIDR; default none).")
    var sipAllowCidr: String?
    @Option(help: "Private or other reserved blocks that webhooks and audio URLs may reach, comma-separated CIDR (PARLEY_WEBHOOK_ALLOW_CIDR; default none).")
    var webhookAllowCidr: String?
    @Option(help: "The generic number shown to the PSTN when a softphone Client calls out (PARLEY_CLIENT_CALLER_ID; default none: such calls need a callerId the account owns).")
    var clientCallerId: String?
    @Option(help: "Reverse proxies in front of the HTTP API, comma-separated CIDR: only their X-Forwarded-For names the client (PARLEY_TRUSTED_PROXY; default none).")
    var trustedProxy: String?
    @Option(help: "Call legs one account may have in progress at once, unless an administrator set its own (PARLEY_MAX_CONCURRENT_CALLS; default 200).")
    var maxConcurrentCalls: String?
    @Option(help: "New call legs one account may start per second (PARLEY_MAX_CALLS_PER_SECOND; default 20).")
    var maxCallsPerSecond: String?
    @Option(help: "Characters one <Say> may speak (PARLEY_MAX_SAY_CHARACTERS; default 4096).")
    var maxSayCharacters: String?
    @Option(help: "HTTP and SIP TCP/TLS connections one address (or IPv6 /64) may have open at once; trusted proxies are exempt over HTTP (PARLEY_MAX_CONNECTIONS_PER_SOURCE; default 256).")
    var maxConnectionsPerSource: String?
    @Option(help: "Digest realm of SIP clients (PARLEY_SIP_REALM; default parley).")
    var sipRealm: String?
    @Option(help: "Digest algorithms offered to SIP clients, most preferred first: MD5, SHA-256 or both as SHA-256,MD5 (PARLEY_SIP_DIGEST_ALGORITHMS; default MD5).")
    var sipDigestAlgorithms: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (PARLEY_LOG_LEVEL; default info).")
    var logLevel: String?
    @Option(help: "text, or json for one JSON object per line (PARLEY_LOG_FORMAT; default text).")
    var logFormat: String?
    @Option(help: "Number pool file (PARLEY_NUMBER_POOL; default Fixtures/number-pool.json when present).")
    var numberPool: String?
    @Option(help: "SMSC to send SMS through over SMPP 3.4, HOST:PORT (PARLEY_SMPP; default none: messages wait in their queue).")
    var smpp: String?
    @Option(help: "system_id Parley binds to the SMSC with (PARLEY_SMPP_SYSTEM_ID).")
    var smppSystemId: String?
    @Option(help: "Password of that bind, at most 8 characters (PARLEY_SMPP_PASSWORD; prefer the variable, which ps does not show).")
    var smppPassword: String?
    @Option(help: "system_type of the bind (PARLEY_SMPP_SYSTEM_TYPE; default empty).")
    var smppSystemType: String?
    @Option(help: "submit_sm awaiting the SMSC's response at once (PARLEY_SMPP_WINDOW; default 64).")
    var smppWindow: String?
    @Option(help: "The shared sender every SMS shows (PARLEY_SMS_SENDER; default 8640).")
    var smsSender: String?
    @Option(help: "SMS a second each account may send; more wait in the queue (PARLEY_SMS_RATE; default 5).")
    var smsRate: String?
    @Option(help: "Mail relay e-mail goes through, HOST:PORT; STARTTLS when offered, required with credentials (PARLEY_SMTP; default none: e-mail waits in its queue).")
    var smtp: String?
    @Option(help: "User name for AUTH PLAIN or LOGIN at the relay (PARLEY_SMTP_USERNAME).")
    var smtpUsername: String?
    @Option(help: "Password for the relay (PARLEY_SMTP_PASSWORD; prefer the variable, which ps does not show).")
    var smtpPassword: String?
    @Option(help: "The address e-mail leaves from; an account's own From becomes the Reply-To (PARLEY_EMAIL_FROM; default parley@localhost.localdomain).")
    var emailFrom: String?
    @Option(help: "The operator's number that verification calls (Verify's call channel) come from (PARLEY_VERIFY_CALLER_ID; default none: no call channel).")
    var verifyCallerId: String?
    @Option(help: "Minutes a one-time password stays valid (PARLEY_VERIFY_CODE_LIFETIME; default 10).")
    var verifyCodeLifetime: String?
    @Option(help: "Verifications a minute each account, and each source address, may ask for; more get 429 (PARLEY_VERIFY_RATE; default 600).")
    var verifyRate: String?
    @Flag(help: .hidden)
    var testClock = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration(
                flags: .init(
                    dataDirectory: dataDir, httpHost: httpHost, httpPort: httpPort, sipHost: sipHost,
                    sipPort: sipPort, sipTLSPort: sipTlsPort, tlsCertificate: tlsCertificate, tlsKey: tlsKey, tlsCAFile: tlsCaFile, sipAdvertise: sipAdvertise, rtpAdvertise: rtpAdvertise, rtpPorts: rtpPorts,
                    rtpTimeout: rtpTimeout, publicURL: publicUrl, trunk: trunk, trunkSource: trunkSource,
                    trunkUsername: trunkUsername, trunkPassword: trunkPassword, trunkRegister: trunkRegister,
                    sipRealm: sipRealm, digestAlgorithms: sipDigestAlgorithms, logLevel: logLevel,
                    numberPool: numberPool, sipAllowCIDR: sipAllowCidr, webhookAllowCIDR: webhookAllowCidr,
                    clientCallerID: clientCallerId, trustedProxy: trustedProxy, maxConcurrentCalls: maxConcurrentCalls,
                    maxCallsPerSecond: maxCallsPerSecond, maxSayCharacters: maxSayCharacters,
                    maxConnectionsPerSource: maxConnectionsPerSource, drainTimeout: drainTimeout,
                    metricsHost: metricsHost, metricsPort: metricsPort, logFormat: logFormat,
                    retainCallsDays: retainCallsDays, retainNotificationsDays: retainNotificationsDays,
                    otelEndpoint: otelEndpoint, testClock: testClock,
                    messaging: .init(
                        smpp: smpp, systemID: smppSystemId, password: smppPassword, systemType: smppSystemType, window: smppWindow,
                        sender: smsSender, rate: smsRate, smtp: smtp, smtpUsername: smtpUsername, smtpPassword: smtpPassword,
                        emailFrom: emailFrom, verifyCallerID: verifyCallerId, verifyCodeLifetime: verifyCodeLifetime,
                        verifyRate: verifyRate)),
                environment: environment)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let level = configuration.logLevel
        switch configuration.logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let metrics = PrometheusCollectorRegistry()
        MetricsExporter.bootstrap(metrics)
        try await ParleyServer(configuration: configuration, logger: Logger(label: "parley"), metrics: metrics)
            .run(environment: environment)
    }
}
