import Addressing
import Foundation
import Logging
import Media
import SDP
import SIP
import SIPMessages
import Store

/// What `POST Calls` asks for.
public struct OutboundCallRequest: Sendable {
    public var account: AccountSid
    /// The caller ID: a number the account holds.
    public var from: String
    public var to: String
    /// The RCML run once the callee answers (`Url`, `Method`, `FallbackUrl`, `FallbackMethod`).
    public var application: WebhookTarget
    public var statusCallback: StatusCallback?
    /// Seconds to let it ring before giving up (`no-answer`).
    public var timeout: Int
    /// Whether `from` is the operator's own number (a call Parley makes for the account, such as
    /// a one-time password read out) rather than one the account must hold.
    public var fromOperator: Bool
    /// Told the call's final record when it ends.
    public var onEnd: (@Sendable (CallRecord) async -> Void)?

    public init(
        account: AccountSid, from: String, to: String, application: WebhookTarget, statusCallback: StatusCallback? = nil,
        timeout: Int = 60, fromOperator: Bool = false, onEnd: (@Sendable (CallRecord) async -> Void)? = nil
    ) {
        self.fromOperator = fromOperator
        self.onEnd = onEnd
        self.account = account
        self.from = from
        self.to = to
        self.application = application
        self.statusCallback = statusCallback
        self.timeout = timeout
    }
}

/// Why an outbound call could not be started; each names the parameter at fault.
public enum OutboundCallError: Error, Equatable {
    case invalidTo(String)
    /// A destination the policy refuses: special, foreign, unsafe, the trunk, a reserved address.
    case refused(DestinationPolicy.Refusal)
    /// The account has as many calls as it may, or starts them too fast.
    case limitReached(CallAdmission.Refusal)
    /// A caller ID that is not a number of the account (or, toward a Client, not a plain name).
    case callerIDNotOwned(String)
    /// A PSTN number was dialled but no `--trunk` is configured, or none of them resolved.
    case noTrunk
    /// A `sip:` address whose host name does not resolve.
    case unresolvable(String)
    /// The call that dials has used up its Max-Forwards: it came back through Parley too often.
    case tooManyHops
    /// Every RTP port is in use.
    case noMediaPort
}

/// Starts outbound legs: the Voice service behind `POST Calls`. PSTN numbers go to the first
/// trunk gateway that resolved, with the caller ID in From; `client:` rings every registered
/// contact; `sip:` goes to the address itself (its host name resolved). Every target passes the
/// `DestinationPolicy` first, and toward numbers and SIP addresses the caller ID is always a
/// number the account owns (a softphone's calls show the operator's `--client-caller-id`).
public final class OutboundCalls: Sendable {
    private let endpoint: SIPEndpoint
    private let registrar: Registrar
    private let numbers: any NumberRepository
    private let clients: any ClientRepository
    private let calls: any CallRepository
    private let trunks: Trunks
    private let addresses: AdvertisedAddresses
    private let media: MediaEngine
    private let runtime: RCMLRuntime
    private let clock: any WallClock
    private let logger: Logger
    private let live: LiveCalls
    private let policy: DestinationPolicy
    private let clientCallerID: String?
    /// The Max-Forwards of a call Parley starts on its own (RFC 3261 §8.1.1.6).
    static let initialMaxForwards = 70

    public init(
        endpoint: SIPEndpoint, registrar: Registrar, numbers: any NumberRepository, clients: any ClientRepository,
        calls: any CallRepository, trunks: Trunks, policy: DestinationPolicy, clientCallerID: String?, addresses: AdvertisedAddresses,
        media: MediaEngine, runtime: RCMLRuntime, live: LiveCalls, clock: any WallClock, logger: Logger
    ) {
        self.policy = policy
        self.clientCallerID = clientCallerID
        self.endpoint = endpoint
        self.registrar = registrar
        self.numbers = numbers
        self.clients = clients
        self.calls = calls
        self.trunks = trunks
        self.addresses = addresses
        self.media = media
        self.runtime = runtime
        self.clock = clock
        self.logger = logger
        self.live = live
        runtime.dialer.connect(self)
    }

    /// Checks the request, writes the call record (queued) and starts ringing; the record
    /// follows the call from there.
    /// A refused destination or a call past the account's limits is also a Notification, so the
    /// account (and the operator) can see the attempts.
    public func start(_ request: OutboundCallRequest) async throws -> CallRecord {
        do {
            let target = try Self.target(request.to)
            let callerID: String
            if case .client = target, let plain = Self.plainCallerID(request.from) {
                callerID = plain
            } else if request.fromOperator, let number = BelgianNumberPlan.normalise(request.from) {
                callerID = number
            } else {
                callerID = try await ownedNumber(request.from, account: request.account)
            }
            var observer: AsyncStream<DialedCall.Event>.Continuation?
            if let onEnd = request.onEnd {
                let (events, continuation) = AsyncStream<DialedCall.Event>.makeStream()
                observer = continuation
                Task {
                    for await event in events {
                        if case .ended(let record) = event { await onEnd(record) }
                    }
                }
            }
            let placed: (record: CallRecord, leg: OutboundCallLeg, session: MediaSession)
            do {
                placed = try await place(
                    target, callerID: callerID, account: request.account, direction: .outboundAPI, parent: nil, near: nil,
                    timeout: request.timeout, maxForwards: Self.initialMaxForwards, secure: false, application: request.application,
                    statusCallback: request.statusCallback, observer: observer)
            } catch {
                observer?.finish()
                throw error
            }
            return placed.record
        } catch OutboundCallError.refused(let refusal) {
            await runtime.fetcher.notify(
                code: 21215, message: "Call to \(request.to) refused: \(refusal)", url: request.application.url, account: request.account,
                call: nil)
            throw OutboundCallError.refused(refusal)
        } catch OutboundCallError.limitReached(let refusal) {
            await runtime.fetcher.notify(
                code: 20429, message: "Call to \(request.to) refused: \(refusal)", url: request.application.url, account: request.account,
                call: nil, level: .warning)
            throw OutboundCallError.limitReached(refusal)
        }
    }

    /// A Dial's target: rung with the caller ID the verb gave or the parent call's (see
    /// `callerID(given:toward:parent:)`), its media on the dialling leg's event loop so the two
    /// can be bridged, its answer and end reported on the returned call's events.
    func dial(
        _ address: String, callerID given: String?, parent: CallRecord, timeout: Int, maxForwards: Int, secure: Bool,
        near: MediaSession
    ) async throws -> DialedCall {
        guard maxForwards > 0 else { throw OutboundCallError.tooManyHops }
        let target = try Self.target(address)
        let from = try await callerID(given: given, toward: target, parent: parent)
        let (events, observer) = AsyncStream<DialedCall.Event>.makeStream()
        let placed = try await place(
            target, callerID: from, account: parent.accountSid, direction: .outboundDial, parent: parent.sid, near: near,
            timeout: timeout, maxForwards: maxForwards, secure: secure, application: nil, statusCallback: nil, observer: observer)
        return DialedCall(sid: placed.record.sid, leg: placed.leg, session: placed.session, events: events)
    }

    /// The target a `To` or a Dial noun names, once the policy's checks that need no address
    /// passed (the address of a `sip:` host is checked when it is resolved).
    static func target(_ text: String) throws -> CallTarget {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        do {
            if lowered.hasPrefix("sip:") || lowered.hasPrefix("sips:") {
                guard let uri = SIPURI(trimmed) else { throw OutboundCallError.invalidTo(text) }
                try DestinationPolicy.check(uri)
            } else if lowered.hasPrefix("tel:") {
                let number = trimmed.dropFirst("tel:".count).prefix { $0 != ";" }
                try DestinationPolicy.check(dialled: String(number))
            } else {
                try DestinationPolicy.check(dialled: trimmed)
            }
        } catch let refusal as DestinationPolicy.Refusal {
            throw OutboundCallError.refused(refusal)
        }
        guard let target = CallTarget(trimmed) else { throw OutboundCallError.invalidTo(text) }
        return target
    }

    /// Who a dialled leg says is calling. Toward a number or a SIP address it is always one of
    /// the account's numbers: the one the verb gave, else the number the call came in on or
    /// went out from, and for a softphone's call the operator's generic number (FlexIO never
    /// lets a softphone choose). Toward a Client, which only the account's own phones see,
    /// a plain name or number is shown as given, and the caller by default.
    private func callerID(given: String?, toward target: CallTarget, parent: CallRecord) async throws -> String {
        if case .client = target {
            guard let given else { return parent.from }
            guard let plain = Self.plainCallerID(given) else { throw OutboundCallError.callerIDNotOwned(given) }
            return plain
        }
        if let given { return try await ownedNumber(given, account: parent.accountSid) }
        if parent.from.hasPrefix("client:") {
            guard let clientCallerID else { throw OutboundCallError.callerIDNotOwned(parent.from) }
            return clientCallerID
        }
        return try await ownedNumber(parent.direction == .inbound ? parent.to : parent.from, account: parent.accountSid)
    }

    /// A caller ID shown to a Client as it is: a number in E.164, or letters, digits and
    /// `+-._:` up to 64 characters (so `client:alice` too); nil for anything else.
    static func plainCallerID(_ text: String) -> String? {
        if let number = BelgianNumberPlan.normalise(text) { return number }
        guard (1...64).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-._:".contains($0)) })
        else { return nil }
        return text
    }

    private func ownedNumber(_ text: String, account: AccountSid) async throws -> String {
        guard let callerID = BelgianNumberPlan.normalise(text), let owned = try await numbers.find(e164: callerID),
            owned.state == .reserved, owned.accountSid == account
        else { throw OutboundCallError.callerIDNotOwned(text) }
        return callerID
    }

    /// Admits the leg under the account's limits, then places it; the place is given back when
    /// the leg ends, or at once when it cannot start.
    private func place(
        _ target: CallTarget, callerID: String, account: AccountSid, direction: CallDirection, parent: CallSid?,
        near: MediaSession?, timeout: Int, maxForwards: Int, secure: Bool, application: WebhookTarget?, statusCallback: StatusCallback?,
        observer: AsyncStream<DialedCall.Event>.Continuation?
    ) async throws -> (record: CallRecord, leg: OutboundCallLeg, session: MediaSession) {
        do {
            try await runtime.admission.admit(account)
        } catch {
            throw OutboundCallError.limitReached(error)
        }
        do {
            return try await admitted(
                target, callerID: callerID, account: account, direction: direction, parent: parent, near: near, timeout: timeout,
                maxForwards: maxForwards, secure: secure, application: application, statusCallback: statusCallback, observer: observer)
        } catch {
            runtime.admission.release(account)
            throw error
        }
    }

    /// Writes the record (queued), opens the media and sends the INVITEs; the leg runs on.
    private func admitted(
        _ target: CallTarget, callerID: String, account: AccountSid, direction: CallDirection, parent: CallSid?,
        near: MediaSession?, timeout: Int, maxForwards: Int, secure: Bool, application: WebhookTarget?, statusCallback: StatusCallback?,
        observer: AsyncStream<DialedCall.Event>.Continuation?
    ) async throws -> (record: CallRecord, leg: OutboundCallLeg, session: MediaSession) {
        let destinations = try await destinations(of: target, account: account)
        let session: MediaSession
        do {
            session = try await media.openSession(near: near)
        } catch {
            throw OutboundCallError.noMediaPort
        }
        let now = clock.now()
        var record = CallRecord(
            sid: .generate(), accountSid: account, parentCallSid: parent, to: target.recordForm, from: callerID, status: .queued,
            direction: direction, dateCreated: now, dateUpdated: now)
        do {
            try await calls.insert(record)
        } catch {
            await session.close()
            throw error
        }
        // The offer and the From name the address of the interface that routes toward the
        // first destination (the contacts of one Client, or the gateways, share one offer).
        let peer = destinations.first?.address.host ?? addresses.bindHost
        let negotiator = OfferAnswer(supported: [.pcmu, .pcma, .opus], localAddress: addresses.rtpHost(toward: peer))
        // SRTP toward Clients reached over TLS, and toward Clients a secure call dials; never
        // toward the trunk (carriers speak RTP) unless the trunk itself is reached over TLS.
        let client = if case .client = target { true } else { false }
        let srtp = destinations.contains { $0.address.transport.isSecure } || (secure && client)
        let offer = negotiator.offer(localPort: session.port, sessionID: String(UInt32.random(in: 1...UInt32.max)), secure: srtp)
        let user = callerID.hasPrefix("client:") ? String(callerID.dropFirst("client:".count)) : callerID
        let from = "<sip:\(user)@\(endpoint.localHost(toward: peer))>"
        let endpoint = self.endpoint
        let starts = destinations.map { destination in
            { @Sendable in
                endpoint.startCall(
                    requestURI: destination.requestURI, from: from, to: "<\(destination.requestURI)>", sdp: offer.text,
                    destination: destination.address, maxForwards: maxForwards, credentials: destination.credentials)
            }
        }
        // Trunk gateways are tried one after the other; a Client's contacts ring together.
        let serial = if case .number = target { true } else { false }
        let forks = serial ? starts.prefix(1).map { $0() } : starts.map { $0() }
        record.sipCallID = forks.first?.callID
        let leg = OutboundCallLeg(
            forks: forks, alternates: serial ? Array(starts.dropFirst()) : [], offer: offer, negotiator: negotiator, session: session, application: application,
            statusCallback: statusCallback, observer: observer, runtime: runtime, ringTimeout: .seconds(timeout),
            maxForwards: maxForwards, record: record, calls: calls, clock: clock, logger: logger)
        CallMetrics.started(direction)
        logger.info("call started", metadata: record.logMetadata)
        live.add(record.sid, leg)
        let (live, admission, sid) = (self.live, runtime.admission, record.sid)
        Task {
            await leg.run()
            live.remove(sid)
            admission.release(account)
        }
        return (record, leg, session)
    }

    private struct Destination: Sendable {
        let requestURI: String
        let address: SIPDestination
        /// Only a trunk gets the trunk's credentials.
        var credentials: SIPCredentials?
    }

    private func destinations(of target: CallTarget, account: AccountSid) async throws -> [Destination] {
        switch target {
        case .number(let e164):
            let gateways = trunks.gateways.compactMap { gateway in
                gateway.destination.map { destination in
                    Destination(
                        requestURI: "sip:\(e164)@\(HostPort(host: gateway.uri.host, port: gateway.uri.port))", address: destination,
                        credentials: trunks.credentials)
                }
            }
            guard !gateways.isEmpty else { throw OutboundCallError.noTrunk }
            return gateways
        case .sip(let uri):
            let host = uri.host
            let resolved = await Task.detached { HostResolver.addresses(of: host) }.value
            guard let address = resolved.first else { throw OutboundCallError.unresolvable(uri.host) }
            // The address checked is the one the INVITE goes to: no second lookup can differ.
            let destination = SIPDestination(uri: uri, address: address)
            do {
                try policy.check(address: destination.host, port: destination.port)
            } catch {
                throw OutboundCallError.refused(error)
            }
            return [Destination(requestURI: uri.description, address: destination)]
        case .client(let login):
            guard let client = try await clients.withLogin(login).first(where: { $0.accountSid == account }) else { return [] }
            return await registrar.registrations(of: client.sid).compactMap { registration in
                // Sent where the REGISTER came from (the address behind NAT), over UDP or on the
                // Client's TCP connection.
                let parts = registration.source.split(separator: ":")
                guard parts.count >= 3, let transport = SIPSource.Transport(rawValue: String(parts[0])),
                    let port = Int(parts[parts.count - 1])
                else { return nil }
                let host = parts[1..<(parts.count - 1)].joined(separator: ":")
                let contact = NameAddress(registration.contact)?.uriText ?? registration.contact
                return Destination(requestURI: contact, address: SIPDestination(transport: transport, host: host, port: port, isFlow: true))
            }
        }
    }
}
