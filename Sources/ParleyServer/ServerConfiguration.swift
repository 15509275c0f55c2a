import Foundation
import Logging
import SIP

/// Everything `parley serve` is told, after flags and `PARLEY_*` variables are merged
/// (a flag wins over its variable, a variable over the embedded default).
public struct ServerConfiguration: Sendable, Equatable {
    public var dataDirectory: String
    public var httpHost: String
    public var httpPort: Int
    public var sipHost: String
    public var sipPort: Int
    public var rtpPorts: ClosedRange<Int>
    /// Seconds without RTP after which a call is considered dead and hung up.
    public var rtpTimeout: Int
    /// Base of the URLs Parley hands to applications (recording URLs, callbacks).
    public var publicURL: String
    /// The carrier gateway that brings PSTN calls in and takes them out, as a SIP URI.
    public var trunk: String?
    public var sipRealm: String
    /// Digest algorithms the registrar offers, most preferred first.
    public var digestAlgorithms: [DigestAlgorithm]
    public var logLevel: Logger.Level
    /// The operator's number pool file; nil means the default, `Fixtures/number-pool.json`
    /// in the working directory, when it exists.
    public var numberPool: String?
    /// Whether `POST /test/clock` may move the clock (for tests of time-dependent rules).
    public var testClock: Bool

    /// The values given on the command line; nil where a flag was not given.
    public struct Flags: Sendable {
        public var dataDirectory, httpHost, httpPort, sipHost, sipPort, rtpPorts, rtpTimeout, publicURL,
            trunk, sipRealm, digestAlgorithms, logLevel, numberPool: String?
        public var testClock: Bool

        public init(
            dataDirectory: String? = nil, httpHost: String? = nil, httpPort: String? = nil,
            sipHost: String? = nil, sipPort: String? = nil, rtpPorts: String? = nil, rtpTimeout: String? = nil,
            publicURL: String? = nil, trunk: String? = nil, sipRealm: String? = nil,
            digestAlgorithms: String? = nil, logLevel: String? = nil, numberPool: String? = nil,
            testClock: Bool = false
        ) {
            self.digestAlgorithms = digestAlgorithms
            self.numberPool = numberPool
            self.testClock = testClock
            self.dataDirectory = dataDirectory
            self.httpHost = httpHost
            self.httpPort = httpPort
            self.sipHost = sipHost
            self.sipPort = sipPort
            self.rtpPorts = rtpPorts
            self.rtpTimeout = rtpTimeout
            self.publicURL = publicURL
            self.trunk = trunk
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
        sipHost = pick(flags.sipHost, "PARLEY_SIP_HOST") ?? "0.0.0.0"
        sipPort = try Self.port(pick(flags.sipPort, "PARLEY_SIP_PORT"), option: "--sip-port") ?? 5060
        rtpPorts = try Self.portRange(pick(flags.rtpPorts, "PARLEY_RTP_PORTS")) ?? 20000...29999
        let timeout = pick(flags.rtpTimeout, "PARLEY_RTP_TIMEOUT") ?? "30"
        guard let seconds = Int(timeout), (1...3600).contains(seconds) else {
            throw ConfigurationError.invalid(option: "--rtp-timeout", reason: "'\(timeout)' is not 1 to 3600 seconds")
        }
        rtpTimeout = seconds
        publicURL = pick(flags.publicURL, "PARLEY_PUBLIC_URL") ?? "http://127.0.0.1:\(httpPort)"
        trunk = pick(flags.trunk, "PARLEY_TRUNK")
        sipRealm = pick(flags.sipRealm, "PARLEY_SIP_REALM") ?? "parley"
        numberPool = pick(flags.numberPool, "PARLEY_NUMBER_POOL")
        let algorithms = pick(flags.digestAlgorithms, "PARLEY_SIP_DIGEST_ALGORITHMS") ?? "MD5"
        digestAlgorithms = try algorithms.split(separator: ",").map { name in
            guard let algorithm = DigestAlgorithm(header: name.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError.invalid(option: "--sip-digest-algorithms", reason: "'\(name)' is not MD5 or SHA-256")
            }
            return algorithm
        }
        testClock = flags.testClock || environment["PARLEY_TEST_CLOCK"] == "1"
        let level = pick(flags.logLevel, "PARLEY_LOG_LEVEL") ?? "info"
        guard let logLevel = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError.invalid(
                option: "--log-level", reason: "'\(level)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
        guard URL(string: publicURL)?.scheme?.hasPrefix("http") == true else {
            throw ConfigurationError.invalid(option: "--public-url", reason: "'\(publicURL)' is not an http(s) URL")
        }
        if let trunk, !(trunk.hasPrefix("sip:") && trunk.count > 4) {
            throw ConfigurationError.invalid(option: "--trunk", reason: "'\(trunk)' is not a sip: URI")
        }
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
