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

    public init(
        account: AccountSid, from: String, to: String, application: WebhookTarget, statusCallback: StatusCallback? = nil,
        timeout: Int = 60
    ) {
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
    /// An emergency or special short number: never called (a Notification says so too).
    case forbiddenDestination(String)
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
/// contact; `sip:` goes to the address itself (its host name resolved).
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
    /// The Max-Forwards of a call Parley starts on its own (RFC 3261 §8.1.1.6).
    static let initialMaxForwards = 70

    public init(
        endpoint: SIPEndpoint, registrar: Registrar, numbers: any NumberRepository, clients: any ClientRepository,
        calls: any CallRepository, trunks: Trunks, addresses: AdvertisedAddresses, media: MediaEngine, runtime: RCMLRuntime,
        live: LiveCalls, clock: any WallClock, logger: Logger
    ) {
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
    public func start(_ request: OutboundCallRequest) async throws -> CallRecord {
        try await refuseForbidden(request.to, account: request.account, url: request.application.url, call: nil)
        guard let target = CallTarget(request.to) else { throw OutboundCallError.invalidTo(request.to) }
        let callerID = try await ownedNumber(request.from, account: request.account)
        let placed = try await place(
            target, callerID: callerID, account: request.account, direction: .outboundAPI, parent: nil, near: nil,
            timeout: request.timeout, maxForwards: Self.initialMaxForwards, secure: false, application: request.application, statusCallback: request.statusCallback, observer: nil)
        return placed.record
    }

    /// A Dial's target: rung with `callerID` (which must be the account's own number when
    /// the target is a PSTN number), its media on the dialling leg's event loop so the two
    /// can be bridged, its answer and end reported on the returned call's events.
    func dial(
        _ address: String, callerID: String, parent: CallRecord, timeout: Int, maxForwards: Int, secure: Bool, near: MediaSession
    ) async throws -> DialedCall {
        guard maxForwards > 0 else { throw OutboundCallError.tooManyHops }
        try await refuseForbidden(address, account: parent.accountSid, url: address, call: parent.sid)
        guard let target = CallTarget(address) else { throw OutboundCallError.invalidTo(address) }
        let from: String
        if case .number = target {
            from = try await ownedNumber(callerID, account: parent.accountSid)
        } else {
            from = BelgianNumberPlan.normalise(callerID) ?? callerID
        }
        let (events, observer) = AsyncStream<DialedCall.Event>.makeStream()
        let placed = try await place(
            target, callerID: from, account: parent.accountSid, direction: .outboundDial, parent: parent.sid, near: near,
            timeout: timeout, maxForwards: maxForwards, secure: secure, application: nil, statusCallback: nil, observer: observer)
        return DialedCall(sid: placed.record.sid, leg: placed.leg, session: placed.session, events: events)
    }

    /// Emergency and special numbers are never called: a Notification says so.
    private func refuseForbidden(_ to: String, account: AccountSid, url: String, call: CallSid?) async throws {
        guard BelgianNumberPlan.isEmergencyOrSpecial(to) else { return }
        await runtime.fetcher.notify(
            code: 13225, message: "Call to \(to) refused: emergency and special numbers cannot be called", url: url,
            account: account, call: call)
        throw OutboundCallError.forbiddenDestination(to)
    }

    private func ownedNumber(_ text: String, account: AccountSid) async throws -> String {
        guard let callerID = BelgianNumberPlan.normalise(text), let owned = try await numbers.find(e164: callerID),
            owned.state == .reserved, owned.accountSid == account
        else { throw OutboundCallError.callerIDNotOwned(text) }
        return callerID
    }

    /// Writes the record (queued), opens the media and sends the INVITEs; the leg runs on.
    private func place(
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
        live.add(record.sid, leg)
        let live = self.live
        Task {
            await leg.run()
            live.remove(record.sid)
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
            return [Destination(requestURI: uri.description, address: SIPDestination(uri: uri, address: address))]
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
