import Addressing
import Logging
import SIPMessages
import Store
import Synchronization

/// Keeps Parley registered with each trunk gateway that wants it (RFC 3261 §10.2): a REGISTER
/// with the trunk's user name, answered challenges (401/407) with its credentials, a refresh
/// before the granted expiry runs out, and a retry with backoff when the gateway refuses or
/// does not answer. Calls the carrier sends to the registered Contact are PSTN calls as usual.
public final class TrunkRegistration: Sendable {
    /// Where one gateway's registration stands.
    public enum Status: Sendable, Equatable {
        case registering
        case registered(expires: Int)
        case failed(status: Int?)
    }

    private let trunks: Trunks
    private let credentials: SIPCredentials
    private let endpoint: SIPEndpoint
    private let requestedExpiry: Int
    private let logger: Logger
    private let statuses = Mutex<[String: Status]>([:])

    public init(trunks: Trunks, credentials: SIPCredentials, endpoint: SIPEndpoint, expires: Int = 600, logger: Logger) {
        self.trunks = trunks
        self.credentials = credentials
        self.endpoint = endpoint
        self.requestedExpiry = expires
        self.logger = logger
    }

    /// The status of each gateway's registration, by its URI.
    public var status: [String: Status] { statuses.withLock { $0 } }

    /// Registers with every gateway and keeps the registrations fresh until cancelled (the
    /// carrier lets the last one expire).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for (index, gateway) in trunks.gateways.enumerated() {
                group.addTask { await self.keepRegistered(index: index, uri: gateway.uri) }
            }
        }
    }

    private func keepRegistered(index: Int, uri: SIPURI) async {
        let callID = RandomHex.string(byteCount: 12) + "@parley"
        let tag = Registrar.tag()
        var cseq: UInt64 = 0
        var backoff: Duration = .seconds(5)
        let key = uri.description
        statuses.withLock { $0[key] = .registering }
        while !Task.isCancelled {
            let outcome = await register(uri: uri, index: index, callID: callID, tag: tag, cseq: &cseq, expires: requestedExpiry)
            switch outcome {
            case .registered(let granted):
                statuses.withLock { $0[key] = .registered(expires: granted) }
                logger.info("registered with the trunk", metadata: ["trunk": "\(uri)", "expires": "\(granted)"])
                backoff = .seconds(5)
                // Refreshed halfway through, so a lost refresh still has time for a retry.
                try? await Task.sleep(for: .seconds(max(granted / 2, 1)))
            case .failed(let status):
                statuses.withLock { $0[key] = .failed(status: status) }
                logger.warning(
                    "trunk registration failed; retrying", metadata: ["trunk": "\(uri)", "status": "\(status.map(String.init) ?? "no answer")"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(300))
            }
        }
    }

    private enum Outcome {
        case registered(Int)
        case failed(Int?)
    }

    /// One REGISTER exchange, challenges answered (twice at most).
    private func register(uri: SIPURI, index: Int, callID: String, tag: String, cseq: inout UInt64, expires: Int) async -> Outcome {
        guard index < trunks.gateways.count, let destination = trunks.gateways[index].destination else { return .failed(nil) }
        let gatewayHost = HostPort(host: uri.host, port: uri.port)
        let registrar = "sip:\(gatewayHost)"
        let aor = "<sip:\(credentials.username)@\(gatewayHost.uriHost)>"
        var authorization: (String, String)?
        for _ in 0..<3 {
            cseq += 1
            var headers = SIPHeaders()
            headers.add("Via", endpoint.newVia(toward: destination.host))
            headers.add("Max-Forwards", "70")
            headers.add("From", "\(aor);tag=\(tag)")
            headers.add("To", aor)
            headers.add("Call-ID", callID)
            headers.add("CSeq", "\(cseq) REGISTER")
            headers.add("Contact", "<sip:\(credentials.username)@\(endpoint.sentBy(toward: destination.host))>")
            headers.add("Expires", "\(expires)")
            if let (name, value) = authorization { headers.add(name, value) }
            let request = SIPRequest(method: "REGISTER", uri: registrar, headers: headers)
            let endpoint = self.endpoint
            guard let response = await endpoint.clientTransactions.send(request, reliable: false, through: { endpoint.sendOut($0, to: destination) })
            else { return .failed(nil) }
            switch response.status {
            case 200..<300:
                let granted = Self.grantedExpiry(response, contactUser: credentials.username) ?? expires
                return .registered(granted)
            case 401, 407:
                let header = response.status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate"
                guard let challenge = response.headers.values(header).lazy.compactMap(DigestChallenge.init).first else {
                    return .failed(response.status)
                }
                let answer = challenge.answer(
                    username: credentials.username, password: credentials.password, method: "REGISTER", uri: registrar)
                authorization = (response.status == 401 ? "Authorization" : "Proxy-Authorization", answer)
            default:
                return .failed(response.status)
            }
        }
        return .failed(401)
    }

    /// The expiry the registrar granted: the `expires` of our Contact in the 200, else its
    /// Expires header.
    static func grantedExpiry(_ response: SIPResponse, contactUser: String) -> Int? {
        let ours = response.headers.values("Contact").compactMap(NameAddress.init).first { $0.uri.user == contactUser }
        return ours?.parameters["expires"].flatMap(Int.init) ?? response.headers["Expires"].flatMap(Int.init)
    }
}
