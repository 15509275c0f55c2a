import Addressing
import Foundation
import Logging
import SIP
import SIPMessages
import Store
import Voice

/// Everything `parley serve` is told, after flags and `PARLEY_*` variables are merged
/// (a flag wins over its variable, a variable over the embedded default).
public struct ServerConfiguration: Sendable, Equatable {
    public var dataDirectory: String
    public var httpHost: String
    public var httpPort: Int
    public var sipHost: String
    public var sipPort: Int
    /// The SIP host (and port) written in Via and Contact instead of the local one: the public
    /// address of a NAT in front of Parley.
    public var sipAdvertise: HostPort?
    /// The address written in SDP instead of the local one.
    public var rtpAdvertise: String?
    /// The PEM certificate chain and private key for SIP over TLS and HTTPS; nil for neither.
    public var tls: TLSFiles?
    /// The port SIP over TLS listens on (with a certificate only).
    public var sipTLSPort: Int?
    /// CA certificates (PEM) Parley trusts, beside the system's, for the TLS connections it opens.
    public var tlsCAFile: String?
    public var rtpPorts: ClosedRange<Int>
    /// Seconds without RTP after which a call is considered dead and hung up.
    public var rtpTimeout: Int
    /// How long calls in progress may go on after SIGTERM before Parley hangs them up.
    public var drainTimeout: Duration
    /// Days a call record, and a Notification, is kept before the retention job deletes it.
    public var retainCallsDays: Int
    public var retainNotificationsDays: Int
    /// The OTLP/HTTP collector traces go to (`http://host:4318`); nil for no tracing.
    public var otelEndpoint: String?
    /// Where `/metrics` (Prometheus) listens: loopback unless the operator opens it.
    public var metricsHost: String
    public var metricsPort: Int
    /// Base of the URLs Parley hands to applications (recording URLs, callbacks).
    public var publicURL: String
    /// The carrier gateways that take PSTN calls out, in order of preference; their addresses
    /// may also bring PSTN calls in.
    public var trunks: [SIPURI]
    /// Further sources PSTN calls may come from (an address, a CIDR block, or `address:port`).
    public var trunkSources: [Trunks.Source]
    /// What Parley answers the trunk's digest challenges with.
    public var trunkCredentials: SIPCredentials?
    /// Whether Parley registers with each trunk gateway (with the trunk's user name).
    public var trunkRegister: Bool
    /// Reserved blocks (private, loopback…) a tenant's `sip:` targets may reach nonetheless.
    public var sipAllowed: [AddressRange]
    /// Reserved blocks a tenant's webhooks and audio URLs may reach nonetheless.
    public var webhookAllowed: [AddressRange]
    /// The operator's generic number (E.164) that a softphone Client's PSTN calls show.
    public var clientCallerID: String?
    /// Reverse proxies in front of the HTTP API whose `X-Forwarded-For` names the client.
    public var trustedProxies: [AddressRange]
    /// Each account's limits unless an administrator set others for it.
    public var callLimits: CallAdmission.Defaults
    /// Stream connections (HTTP, SIP over TCP or TLS) one source may have open at once.
    public var connectionsPerSource: Int
    public var sipRealm: String
    /// Digest algorithms the registrar offers, most preferred first.
    public var digestAlgorithms: [DigestAlgorithm]
    public var logLevel: Logger.Level
    /// `text` (one human line per event) or `json` (one JSON object per line).
    public var logFormat: LogFormat

    public enum LogFormat: String, Sendable {
        case text, json
    }
    /// The operator's number pool file; nil means the default, `Fixtures/number-pool.json`
    /// in the working directory, when it exists.
    public var numberPool: String?
    /// Whether `POST /test/clock` may move the clock (for tests of time-dependent rules).
    public var testClock: Bool
    /// SMS: the SMSC, the shared sender, the sending rate.
    public var messaging: MessagingSettings

    /// The values given on the command line; nil where a flag was not given.
    public struct Flags: Sendable {
        public var dataDirectory, httpHost, httpPort, sipHost, sipPort, sipTLSPort, tlsCertificate, tlsKey, tlsCAFile, sipAdvertise, rtpAdvertise,
            rtpPorts, rtpTimeout, publicURL,
            trunk, trunkSource, trunkUsername, trunkPassword, sipRealm, digestAlgorithms, logLevel, numberPool,
            sipAllowCIDR, webhookAllowCIDR, clientCallerID, trustedProxy, maxConcurrentCalls, maxCallsPerSecond,
            maxSayCharacters, maxConnectionsPerSource, drainTimeout, metricsHost, metricsPort, logFormat, retainCallsDays,
            retainNotificationsDays, otelEndpoint: String?
        public var testClock: Bool
        public var trunkRegister: Bool
        public var messaging: MessagingSettings.Flags

        public init(
            dataDirectory: String? = nil, httpHost: String? = nil, httpPort: String? = nil,
            sipHost: String? = nil, sipPort: String? = nil, sipTLSPort: String? = nil, tlsCertificate: String? = nil,
            tlsKey: String? = nil, tlsCAFile: String? = nil, sipAdvertise: String? = nil, rtpAdvertise: String? = nil,
            rtpPorts: String? = nil, rtpTimeout: String? = nil,
            publicURL: String? = nil, trunk: String? = nil, trunkSource: String? = nil, trunkUsername: String? = nil,
            trunkPassword: String? = nil, trunkRegister: Bool = false, sipRealm: String? = nil,
            digestAlgorithms: String? = nil, logLevel: String? = nil, numberPool: String? = nil,
            sipAllowCIDR: String? = nil, webhookAllowCIDR: String? = nil, clientCallerID: String? = nil, trustedProxy: String? = nil,
            maxConcurrentCalls: String? = nil, maxCallsPerSecond: String? = nil, maxSayCharacters: String? = nil,
            maxConnectionsPerSource: String? = nil, drainTimeout: String? = nil, metricsHost: String? = nil, metricsPort: String? = nil,
            logFormat: String? = nil, retainCallsDays: String? = nil, retainNotificationsDays: String? = nil, otelEndpoint: String? = nil,
            testClock: Bool = false, messaging: MessagingSettings.Flags = .init()
        ) {
            self.messaging = messaging
            self.otelEndpoint = otelEndpoint
            self.retainCallsDays = retainCallsDays
            self.retainNotificationsDays = retainNotificationsDays
            self.logFormat = logFormat
            self.metricsHost = metricsHost
            self.metricsPort = metricsPort
            self.drainTimeout = drainTimeout
            self.maxConnectionsPerSource = maxConnectionsPerSource
            self.maxConcurrentCalls = maxConcurrentCalls
            self.maxCallsPerSecond = maxCallsPerSecond
            self.maxSayCharacters = maxSayCharacters
            self.trustedProxy = trustedProxy
            self.sipAllowCIDR = sipAllowCIDR
            self.webhookAllowCIDR = webhookAllowCIDR
            self.clientCallerID = clientCallerID
            self.digestAlgorithms = digestAlgorithms
            self.numberPool = numberPool
            self.testClock = testClock
            self.dataDirectory = dataDirectory
            self.httpHost = httpHost
            self.httpPort = httpPort
            self.sipHost = sipHost
            self.sipPort = sipPort
            self.sipTLSPort = sipTLSPort
            self.tlsCertificate = tlsCertificate
            self.tlsKey = tlsKey
            self.tlsCAFile = tlsCAFile
            self.sipAdvertise = sipAdvertise
            self.rtpAdvertise = rtpAdvertise
            self.rtpPorts = rtpPorts
            self.rtpTimeout = rtpTimeout
            self.publicURL = publicURL
            self.trunk = trunk
            self.trunkSource = trunkSource
            self.trunkUsername = trunkUsername
            self.trunkPassword = trunkPassword
            self.trunkRegister = trunkRegister
            self.sipRealm = sipRealm
            self.logLevel = logLevel
        }
    }

    /// Merges flags over the environment over the defaults, validating every value.
    public init(flags: Flags, environment: [String: String]) throws {
        func pick(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        dataDirectory = pick(flags.dataDirectory, "PARLEY_DATA_DIR") ?? "./parley-data"
        httpHost = pick(flags.httpHost, "PARLEY_HTTP_HOST") ?? "0.0.0.0"
        httpPort = try Self.port(pick(flags.httpPort, "PARLEY_HTTP_PORT"), option: "--http-port") ?? 8080
        let sipHostText = pick(flags.sipHost, "PARLEY_SIP_HOST") ?? "0.0.0.0"
        guard let sipBind = HostPort(sipHostText), sipBind.port == nil, IPAddress.isLiteral(sipBind.host) else {
            throw ConfigurationError.invalid(option: "--sip-host", reason: "'\(sipHostText)' is not an IPv4 or IPv6 address")
        }
        sipHost = sipBind.host
        sipPort = try Self.port(pick(flags.sipPort, "PARLEY_SIP_PORT"), option: "--sip-port") ?? 5060
        if let text = pick(flags.sipAdvertise, "PARLEY_SIP_ADVERTISE") {
            guard let advertised = HostPort(text) else {
                throw ConfigurationError.invalid(option: "--sip-advertise", reason: "'\(text)' is not HOST or HOST:PORT")
            }
            sipAdvertise = advertised
        } else {
            sipAdvertise = nil
        }
        if let text = pick(flags.rtpAdvertise, "PARLEY_RTP_ADVERTISE") {
            guard let advertised = HostPort(text), advertised.port == nil, IPAddress.isLiteral(advertised.host) else {
                throw ConfigurationError.invalid(option: "--rtp-advertise", reason: "'\(text)' is not an IPv4 or IPv6 address")
            }
            rtpAdvertise = advertised.host
        } else {
            rtpAdvertise = nil
        }
        rtpPorts = try Self.portRange(pick(flags.rtpPorts, "PARLEY_RTP_PORTS")) ?? 20000...29999
        let timeout = pick(flags.rtpTimeout, "PARLEY_RTP_TIMEOUT") ?? "30"
        guard let seconds = Int(timeout), (1...3600).contains(seconds) else {
            throw ConfigurationError.invalid(option: "--rtp-timeout", reason: "'\(timeout)' is not 1 to 3600 seconds")
        }
        rtpTimeout = seconds
        let drain = pick(flags.drainTimeout, "PARLEY_DRAIN_TIMEOUT") ?? "30"
        guard let drainSeconds = Int(drain), (0...86_400).contains(drainSeconds) else {
            throw ConfigurationError.invalid(option: "--drain-timeout", reason: "'\(drain)' is not 0 to 86400 seconds")
        }
        drainTimeout = .seconds(drainSeconds)
        // Twilio keeps call logs 13 months and error logs 31 days.
        retainCallsDays = try Self.count(pick(flags.retainCallsDays, "PARLEY_RETAIN_CALLS_DAYS"), option: "--retain-calls-days") ?? 400
        retainNotificationsDays =
            try Self.count(pick(flags.retainNotificationsDays, "PARLEY_RETAIN_NOTIFICATIONS_DAYS"), option: "--retain-notifications-days") ?? 31
        otelEndpoint = pick(flags.otelEndpoint, "PARLEY_OTEL_ENDPOINT")
        if let endpoint = otelEndpoint, URL(string: endpoint)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ConfigurationError.invalid(option: "--otel-endpoint", reason: "'\(endpoint)' is not an http or https URL")
        }
        metricsHost = pick(flags.metricsHost, "PARLEY_METRICS_HOST") ?? "127.0.0.1"
        metricsPort = try Self.port(pick(flags.metricsPort, "PARLEY_METRICS_PORT"), option: "--metrics-port") ?? 9464
        switch (pick(flags.tlsCertificate, "PARLEY_TLS_CERTIFICATE"), pick(flags.tlsKey, "PARLEY_TLS_KEY")) {
        case (nil, nil):
            tls = nil
        case (let certificate?, let key?):
            for (option, path) in [("--tls-certificate", certificate), ("--tls-key", key)] where !FileManager.default.isReadableFile(atPath: path) {
                throw ConfigurationError.invalid(option: option, reason: "'\(path)' is not a readable file")
            }
            tls = TLSFiles(certificateChain: certificate, privateKey: key)
        case (nil, _):
            throw ConfigurationError.invalid(option: "--tls-certificate", reason: "a TLS key needs its certificate")
        case (_, nil):
            throw ConfigurationError.invalid(option: "--tls-key", reason: "a TLS certificate needs its private key")
        }
        tlsCAFile = pick(flags.tlsCAFile, "PARLEY_TLS_CA_FILE")
        if let file = tlsCAFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError.invalid(option: "--tls-ca-file", reason: "'\(file)' is not a readable file")
        }
        let tlsPortText = pick(flags.sipTLSPort, "PARLEY_SIP_TLS_PORT")
        if tlsPortText != nil, tls == nil {
            throw ConfigurationError.invalid(option: "--sip-tls-port", reason: "SIP over TLS needs --tls-certificate and --tls-key")
        }
        sipTLSPort = tls == nil ? nil : try Self.port(tlsPortText, option: "--sip-tls-port") ?? 5061
        publicURL = pick(flags.publicURL, "PARLEY_PUBLIC_URL") ?? "\(tls == nil ? "http" : "https")://127.0.0.1:\(httpPort)"
        trunks = try Self.list(pick(flags.trunk, "PARLEY_TRUNK")).map { text in
            guard let uri = Self.trunkURI(text) else {
                throw ConfigurationError.invalid(option: "--trunk", reason: "'\(text)' is not a sip: URI, a host name or an address")
            }
            return uri
        }
        trunkSources = try Self.list(pick(flags.trunkSource, "PARLEY_TRUNK_SOURCE")).map { text in
            guard let source = Trunks.Source(text) else {
                throw ConfigurationError.invalid(option: "--trunk-source", reason: "'\(text)' is not ADDRESS, ADDRESS/BITS or ADDRESS:PORT")
            }
            return source
        }
        switch (pick(flags.trunkUsername, "PARLEY_TRUNK_USERNAME"), pick(flags.trunkPassword, "PARLEY_TRUNK_PASSWORD")) {
        case (nil, nil):
            trunkCredentials = nil
        case (let username?, let password?):
            guard username.allSatisfy({ $0.isLetter || $0.isNumber || "-_.!~*'()&=+$,;?/%".contains($0) }) else {
                throw ConfigurationError.invalid(option: "--trunk-username", reason: "'\(username)' is not a SIP user name")
            }
            trunkCredentials = SIPCredentials(username: username, password: password)
        case (nil, _):
            throw ConfigurationError.invalid(option: "--trunk-username", reason: "a trunk password needs a user name")
        case (_, nil):
            throw ConfigurationError.invalid(option: "--trunk-password", reason: "a trunk user name needs a password")
        }
        trunkRegister = flags.trunkRegister || environment["PARLEY_TRUNK_REGISTER"] == "1"
        if trunkRegister, trunkCredentials == nil || trunks.isEmpty {
            throw ConfigurationError.invalid(option: "--trunk-register", reason: "registering needs --trunk, --trunk-username and --trunk-password")
        }
        sipAllowed = try Self.ranges(pick(flags.sipAllowCIDR, "PARLEY_SIP_ALLOW_CIDR"), option: "--sip-allow-cidr")
        webhookAllowed = try Self.ranges(pick(flags.webhookAllowCIDR, "PARLEY_WEBHOOK_ALLOW_CIDR"), option: "--webhook-allow-cidr")
        trustedProxies = try Self.ranges(pick(flags.trustedProxy, "PARLEY_TRUSTED_PROXY"), option: "--trusted-proxy")
        connectionsPerSource =
            try Self.count(pick(flags.maxConnectionsPerSource, "PARLEY_MAX_CONNECTIONS_PER_SOURCE"), option: "--max-connections-per-source")
            ?? 256
        let standard = CallAdmission.Defaults()
        callLimits = CallAdmission.Defaults(
            concurrentCalls: try Self.count(pick(flags.maxConcurrentCalls, "PARLEY_MAX_CONCURRENT_CALLS"), option: "--max-concurrent-calls")
                ?? standard.concurrentCalls,
            callsPerSecond: try Self.count(pick(flags.maxCallsPerSecond, "PARLEY_MAX_CALLS_PER_SECOND"), option: "--max-calls-per-second")
                ?? standard.callsPerSecond,
            sayCharacters: try Self.count(pick(flags.maxSayCharacters, "PARLEY_MAX_SAY_CHARACTERS"), option: "--max-say-characters")
                ?? standard.sayCharacters)
        if let text = pick(flags.clientCallerID, "PARLEY_CLIENT_CALLER_ID") {
            guard let number = BelgianNumberPlan.normalise(text) else {
                throw ConfigurationError.invalid(option: "--client-caller-id", reason: "'\(text)' is not a Belgian number")
            }
            clientCallerID = number
        } else {
            clientCallerID = nil
        }
        sipRealm = pick(flags.sipRealm, "PARLEY_SIP_REALM") ?? "parley"
        numberPool = pick(flags.numberPool, "PARLEY_NUMBER_POOL")
        let algorithms = pick(flags.digestAlgorithms, "PARLEY_SIP_DIGEST_ALGORITHMS") ?? "MD5"
        digestAlgorithms = try algorithms.split(separator: ",").map { name in
            guard let algorithm = DigestAlgorithm(header: name.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError.invalid(option: "--sip-digest-algorithms", reason: "'\(name)' is not MD5 or SHA-256")
            }
            return algorithm
        }
        messaging = try MessagingSettings(flags: flags.messaging, pick: pick)
        testClock = flags.testClock || environment["PARLEY_TEST_CLOCK"] == "1"
        if testClock, !IPAddress.isLoopback(httpHost) {
            throw ConfigurationError.invalid(option: "--test-clock", reason: "the movable clock is for tests: bind HTTP to loopback (--http-host 127.0.0.1)")
        }
        let level = pick(flags.logLevel, "PARLEY_LOG_LEVEL") ?? "info"
        guard let logLevel = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError.invalid(
                option: "--log-level", reason: "'\(level)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
        let format = pick(flags.logFormat, "PARLEY_LOG_FORMAT") ?? "text"
        guard let logFormat = LogFormat(rawValue: format.lowercased()) else {
            throw ConfigurationError.invalid(option: "--log-format", reason: "'\(format)' is not text or json")
        }
        self.logFormat = logFormat
        guard URL(string: publicURL)?.scheme?.hasPrefix("http") == true else {
            throw ConfigurationError.invalid(option: "--public-url", reason: "'\(publicURL)' is not an http(s) URL")
        }
    }

    /// The ports Parley listens on: a tenant's target or webhook at one of them on this host
    /// is Parley itself.
    public var listeningPorts: Set<Int> {
        Set([sipPort, httpPort] + (sipTLSPort.map { [$0] } ?? []))
    }

    /// What Parley writes where peers must reach it.
    public var advertisedAddresses: AdvertisedAddresses {
        AdvertisedAddresses(bindHost: sipHost, sip: sipAdvertise, rtp: rtpAdvertise)
    }

    /// The comma-separated items of a flag's value.
    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A whole number from 1 to a million.
    private static func count(_ text: String?, option: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), (1...1_000_000).contains(value) else {
            throw ConfigurationError.invalid(option: option, reason: "'\(text)' is not a whole number from 1 to 1000000")
        }
        return value
    }

    /// A comma-separated list of CIDR blocks.
    private static func ranges(_ text: String?, option: String) throws -> [AddressRange] {
        try list(text).map { item in
            guard let range = AddressRange(item) else {
                throw ConfigurationError.invalid(option: option, reason: "'\(item)' is not ADDRESS or ADDRESS/BITS")
            }
            return range
        }
    }

    /// A trunk as a `sip:` URI (`sip:gw.example.net:5060`), or a host with an optional port.
    private static func trunkURI(_ text: String) -> SIPURI? {
        if text.lowercased().hasPrefix("sip:") {
            guard let uri = SIPURI(text), uri.scheme == "sip", !uri.host.isEmpty else { return nil }
            return uri
        }
        guard let hostPort = HostPort(text), !hostPort.host.contains(":") || IPAddress.isIPv6(hostPort.host) else { return nil }
        return SIPURI(host: hostPort.host, port: hostPort.port)
    }

    private static func port(_ text: String?, option: String) throws -> Int? {
        guard let text else { return nil }
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ConfigurationError.invalid(option: option, reason: "'\(text)' is not a port number")
        }
        return port
    }

    private static func portRange(_ text: String?) throws -> ClosedRange<Int>? {
        guard let text else { return nil }
        let bounds = text.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, (1024...65535).contains(bounds[0]), bounds[0] < bounds[1],
            bounds[1] <= 65535
        else {
            throw ConfigurationError.invalid(option: "--rtp-ports", reason: "'\(text)' is not LO-HI within 1024-65535")
        }
        return bounds[0]...bounds[1]
    }
}

public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case invalid(option: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let option, let reason): "\(option): \(reason)"
        }
    }
}

/// Where the operator's certificate chain and private key are, both PEM.
public struct TLSFiles: Sendable, Equatable {
    public var certificateChain: String
    public var privateKey: String
}
