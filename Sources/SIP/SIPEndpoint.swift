import Addressing
import Foundation
import Logging
import SIPMessages
import Store
import Synchronization

/// Parley's SIP request handling above the transports: validation (RFC 3261 §8.2), the
/// non-INVITE server transactions that absorb retransmissions (§17.2.2), RFC 3581
/// `received`/`rport`, OPTIONS, REGISTER for the registrar, and INVITE server transactions
/// with their dialogs (ACK, CANCEL, BYE, re-INVITE, UPDATE, INFO) for the call layer. Other
/// methods get 501. Outbound, it starts INVITE client transactions (`startCall`) and routes
/// each response to the client transaction that sent the request.
public final class SIPEndpoint: Sendable {
    private let registrar: Registrar
    private let callHandler: (any CallHandler)?
    private let logger: Logger
    private let transactions = ResponseCache()
    /// Unfinished INVITE transactions by branch key, and calls by Call-ID and our tag.
    private let calls = Mutex(CallTables())
    private let listener = Mutex(Listener(port: 5060, send: nil))
    /// What Parley writes in Via and Contact toward each peer.
    public let addresses: AdvertisedAddresses
    /// Open TCP and TLS connections by remote `address:port`: how requests reach peers that
    /// connected, and peers Parley connected to.
    private let connections = Mutex<[String: @Sendable ([UInt8]) -> Void]>([:])
    /// Messages waiting for a connection Parley is opening, by remote `address:port`.
    private let opening = Mutex<[String: [[UInt8]]]>([:])
    let clientTransactions = ClientTransactions()

    private struct CallTables {
        var byBranch: [String: IncomingCall] = [:]
        var byDialog: [String: any DialogPeer] = [:]
        /// INVITEs by Call-ID, From tag and CSeq: the same request arriving by another path
        /// (another branch) is a loop or a fork that merged again (RFC 3261 §8.2.2.2).
        var byOrigin: [String: String] = [:]
    }

    /// The ports the transport is bound to, how it sends UDP datagrams to any address, and how
    /// it opens a TCP or TLS connection to a peer.
    private struct Listener {
        var port: Int
        var tlsPort: Int?
        var send: (@Sendable (_ bytes: [UInt8], _ host: String, _ port: Int) -> Void)?
        var connect: (@Sendable (SIPDestination) -> Void)?
    }

    public init(
        registrar: Registrar, callHandler: (any CallHandler)? = nil, addresses: AdvertisedAddresses = AdvertisedAddresses(bindHost: "127.0.0.1"),
        logger: Logger
    ) {
        self.registrar = registrar
        self.callHandler = callHandler
        self.addresses = addresses
        self.logger = logger
    }

    /// Connects the endpoint to its bound transport: `port` (or `tlsPort` over TLS) goes in Via
    /// and Contact (unless an advertised port replaces it), `send` carries requests Parley starts
    /// over UDP, `connect` opens a connection to a peer that has none (its `connectionOpened` or
    /// `connectionFailed` follows).
    public func attach(
        port: Int, tlsPort: Int? = nil, send: @escaping @Sendable (_ bytes: [UInt8], _ host: String, _ port: Int) -> Void,
        connect: (@Sendable (SIPDestination) -> Void)? = nil
    ) {
        listener.withLock { $0 = Listener(port: port, tlsPort: tlsPort, send: send, connect: connect) }
    }

    /// Parley's host toward `peer`, as it goes in a From or a Contact.
    public func localHost(toward peer: String) -> String {
        HostPort(host: addresses.sipHost(toward: peer)).uriHost
    }

    /// Parley's `host:port` toward `peer` over `transport`: the sent-by of its Via and the
    /// address of its Contact.
    func sentBy(toward peer: String, transport: SIPSource.Transport = .udp) -> String {
        let (port, tlsPort) = listener.withLock { ($0.port, $0.tlsPort) }
        let advertised = transport == .tls ? tlsPort ?? port : addresses.sipPort(bound: port)
        return HostPort(host: addresses.sipHost(toward: peer), port: advertised).description
    }

    /// The Contact Parley gives `peer`: where in-dialog requests reach it over `transport`.
    func contact(toward peer: String, transport: SIPSource.Transport) -> String {
        "<sip:\(sentBy(toward: peer, transport: transport))" + (transport == .udp ? "" : ";transport=\(transport.rawValue)") + ">"
    }

    /// A top Via for a request Parley sends toward `peer`, with a fresh RFC 3261 branch.
    func newVia(transport: SIPSource.Transport = .udp, toward peer: String) -> String {
        "SIP/2.0/\(transport.rawValue.uppercased()) \(sentBy(toward: peer, transport: transport));branch=z9hG4bK\(RandomHex.string(byteCount: 8));rport"
    }

    func sendOut(_ bytes: [UInt8], to destination: SIPDestination) {
        switch destination.transport {
        case .udp:
            listener.withLock { $0.send }?(bytes, destination.host, destination.port)
        case .tcp, .tls:
            let key = "\(destination.host):\(destination.port)"
            enum Step { case send(@Sendable ([UInt8]) -> Void), open, wait }
            // No connection yet: the first message opens one, the others wait for it with it
            // (looked up under the same locks, in the same order, as `connectionOpened`).
            let step = connections.withLock { connections -> Step in
                if let send = connections[key] { return .send(send) }
                return opening.withLock { waiting in
                    defer { waiting[key, default: []].append(bytes) }
                    return waiting[key] == nil ? .open : .wait
                }
            }
            switch step {
            case .send(let send): return send(bytes)
            case .wait: return
            case .open: break
            }
            guard let connect = listener.withLock({ $0.connect }) else {
                logger.debug("no connection to send on", metadata: ["destination": "\(key)"])
                _ = opening.withLock { $0.removeValue(forKey: key) }
                return
            }
            connect(destination)
        }
    }

    /// A TCP or TLS connection is up (a peer's, or one Parley opened): requests for its address
    /// go on it until it closes, those waiting for it first.
    public func connectionOpened(host: String, port: Int, send: @escaping @Sendable ([UInt8]) -> Void) {
        let key = "\(host):\(port)"
        let waiting = connections.withLock { connections in
            connections[key] = send
            return opening.withLock { $0.removeValue(forKey: key) } ?? []
        }
        for bytes in waiting { send(bytes) }
    }

    /// A connection Parley opened could not be made: what waited for it is dropped (its
    /// transactions time out as on a lost datagram).
    public func connectionFailed(host: String, port: Int, error: any Error) {
        logger.warning("could not connect to a SIP peer", metadata: ["destination": "\(host):\(port)", "error": "\(error)"])
        _ = opening.withLock { $0.removeValue(forKey: "\(host):\(port)") }
    }

    public func connectionClosed(host: String, port: Int) {
        _ = connections.withLock { $0.removeValue(forKey: "\(host):\(port)") }
    }

    /// Starts an outbound call: an INVITE for `requestURI` with `sdp`, sent to `destination`,
    /// from `from` (a name-addr; Parley adds its tag) to `to`, with the hops it may still take;
    /// `credentials` answer the destination's digest challenges (a carrier's).
    public func startCall(
        requestURI: String, from: String, to: String, sdp: String, destination: SIPDestination, maxForwards: Int = 70,
        credentials: SIPCredentials? = nil, headers extra: [(String, String)] = []
    ) -> OutgoingCall {
        let via = newVia(transport: destination.transport, toward: destination.host)
        let branch = Via(via)?.branch ?? ""
        let tag = Registrar.tag()
        let localContact = contact(toward: destination.host, transport: destination.transport)
        var headers = SIPHeaders()
        headers.add("Via", via)
        headers.add("Max-Forwards", "\(maxForwards)")
        headers.add("From", "\(from);tag=\(tag)")
        headers.add("To", to)
        headers.add("Call-ID", RandomHex.string(byteCount: 12) + "@parley")
        headers.add("CSeq", "1 INVITE")
        headers.add("Contact", localContact)
        headers.add("Allow", allowed)
        for (name, value) in extra { headers.add(name, value) }
        headers.add("Content-Type", "application/sdp")
        let invite = SIPRequest(method: "INVITE", uri: requestURI, headers: headers, body: Array(sdp.utf8))
        let call = OutgoingCall(
            invite: invite, branch: branch, destination: destination, credentials: credentials, localTag: tag, localContact: localContact,
            endpoint: self)
        clientTransactions.register(ClientTransactions.key(branch: branch, method: "INVITE")) { [weak call] in call?.receive($0) }
        calls.withLock { $0.byDialog[call.callID + "|" + tag] = call }
        call.start()
        return call
    }

    /// Takes a finished call out of the tables.
    func forget(_ call: IncomingCall) {
        calls.withLock { tables in
            tables.byBranch[call.branchKey] = nil
            tables.byDialog[call.callID + "|" + call.localTag] = nil
            tables.byOrigin[call.originKey] = nil
        }
    }

    func forget(_ call: OutgoingCall, branch: String) {
        clientTransactions.remove(ClientTransactions.key(branch: branch, method: "INVITE"))
        _ = calls.withLock { $0.byDialog.removeValue(forKey: call.callID + "|" + call.localTag) }
    }

    private var allowed: String {
        callHandler == nil ? "REGISTER, OPTIONS" : "INVITE, ACK, CANCEL, BYE, UPDATE, INFO, REGISTER, OPTIONS"
    }

    /// The sizes of the tables a flood could grow (each has its bound): INVITE server
    /// transactions, dialogs, and the response cache of non-INVITE transactions.
    public var tableSizes: (inviteTransactions: Int, dialogs: Int, cachedResponses: Int) {
        let (invites, dialogs) = calls.withLock { ($0.byBranch.count, $0.byDialog.count) }
        return (invites, dialogs, transactions.count)
    }

    /// Handles the bytes of one message from `source`.
    public func receive(_ bytes: [UInt8], from source: SIPSource) {
        if bytes.allSatisfy({ $0 == 13 || $0 == 10 }) { return }  // RFC 5626 keep-alive
        let message: SIPMessage
        do {
            message = try SIPParser.parse(bytes)
        } catch .badRequest(let reason, let request) {
            respond(SIPResponse(to: request, status: 400, reason: reason, toTag: Registrar.tag()), to: request, source: source)
            return
        } catch {
            SIPMetrics.droppedMalformed()
            logger.debug("dropped a message that is not SIP", metadata: ["source": "\(source.description)", "reason": "\(error.reason)", "bytes": "\(bytes.count)"])
            return
        }
        switch message {
        case .request(let request):
            SIPMetrics.received(request: request.method)
            handle(request, from: source)
        case .response(let response):
            SIPMetrics.received(response: response.status)
            if !clientTransactions.dispatch(response) { SIPMetrics.droppedUnmatched() }
        }
    }

    private func handle(_ request: SIPRequest, from source: SIPSource) {
        if request.method == "ACK" {
            if let cseq = request.headers["CSeq"].flatMap(Self.parseCSeq)?.0 { dialog(of: request)?.acknowledge(cseq: cseq) }
            return
        }
        let via: Via
        switch Self.validate(request) {
        case .success(let topVia):
            via = topVia
        case .failure(let problem):
            respond(SIPResponse(to: request, status: 400, reason: problem.reason, toTag: Registrar.tag()), to: request, source: source)
            return
        }
        let key = ResponseCache.key(request, via: via)
        if request.method == "INVITE", callHandler != nil {
            if let maxForwards = request.headers["Max-Forwards"].flatMap({ Int($0) }), maxForwards <= 0 {
                source.reply(SIPResponse(to: request, status: 483, reason: "Too Many Hops", toTag: Registrar.tag()).serialized(), via: via)
            } else if NameAddress(request.headers["To"] ?? "")?.tag != nil {
                reinvite(request, via: via, source: source)
            } else {
                invite(request, via: via, key: key, source: source)
            }
            return
        }
        switch transactions.begin(key) {
        case .retransmission(let response):
            if let response { source.reply(response, via: via) }
            return
        case .new:
            break
        }
        if let maxForwards = request.headers["Max-Forwards"].flatMap({ Int($0) }), maxForwards <= 0 {
            finish(key, SIPResponse(to: request, status: 483, reason: "Too Many Hops", toTag: Registrar.tag()), via, source)
            return
        }
        switch request.method {
        case "REGISTER":
            let registrar = self.registrar
            Task {
                let response = await registrar.register(request, source: source.description, sourceAddress: source.address)
                self.finish(key, response, via, source)
            }
        case "CANCEL":
            let inviteKey = ResponseCache.key(SIPRequest(method: "INVITE", uri: request.uri, headers: request.headers), via: via)
            let target = calls.withLock { $0.byBranch[inviteKey] }
            let found = target != nil
            finish(key, SIPResponse(to: request, status: found ? 200 : 481, reason: found ? "OK" : "Call/Transaction Does Not Exist", toTag: target?.localTag ?? Registrar.tag()), via, source)
            _ = target?.cancel()
        case "BYE", "UPDATE", "INFO":
            inDialog(request, key: key, via: via, source: source)
        case "OPTIONS":
            var response = SIPResponse(to: request, status: 200, reason: "OK", toTag: Registrar.tag())
            response.headers.add("Allow", allowed)
            response.headers.add("Accept", "application/sdp")
            finish(key, response, via, source)
        default:
            var response = SIPResponse(to: request, status: 501, reason: "Not Implemented", toTag: Registrar.tag())
            response.headers.add("Allow", allowed)
            finish(key, response, via, source)
        }
    }

    /// BYE, UPDATE and INFO inside a dialog: 481 outside one, 500 out of CSeq order (RFC 3261
    /// §12.2.2). UPDATE with SDP and INFO with a DTMF key become events for the call layer.
    private func inDialog(_ request: SIPRequest, key: String, via: Via, source: SIPSource) {
        guard let call = dialog(of: request) else {
            finish(key, SIPResponse(to: request, status: 481, reason: "Call/Transaction Does Not Exist"), via, source)
            return
        }
        guard let cseq = request.headers["CSeq"].flatMap(Self.parseCSeq)?.0, call.dialogServer.admit(cseq: cseq) else {
            finish(key, SIPResponse(to: request, status: 500, reason: "CSeq Out of Order"), via, source)
            return
        }
        let ok = SIPResponse(to: request, status: 200, reason: "OK")
        let body = String(decoding: request.body, as: UTF8.self)
        switch request.method {
        case "BYE":
            finish(key, ok, via, source)
            call.farEndHungUp()
        case "UPDATE" where !request.body.isEmpty:
            call.deliver(.offer(DialogOffer(method: "UPDATE", sdp: body) { [weak self] status, reason, sdp in
                var response = SIPResponse(to: request, status: status, reason: reason)
                if let sdp {
                    response.headers.add("Content-Type", "application/sdp")
                    response.body = Array(sdp.utf8)
                }
                self?.finish(key, response, via, source)
            }))
        case "INFO" where !request.body.isEmpty:
            let type = request.headers["Content-Type"] ?? ""
            if let dtmf = InfoDTMF(contentType: type, body: body) {
                finish(key, ok, via, source)
                call.deliver(.dtmf(dtmf))
            } else if InfoDTMF.contentTypes.contains(where: { type.lowercased().hasPrefix($0) }) {
                finish(key, SIPResponse(to: request, status: 400, reason: "Invalid DTMF Body"), via, source)
            } else {
                var response = SIPResponse(to: request, status: 415, reason: "Unsupported Media Type")
                response.headers.add("Accept", InfoDTMF.contentTypes.joined(separator: ", "))
                finish(key, response, via, source)
            }
        default:
            finish(key, ok, via, source)  // an UPDATE or INFO without a body: a session refresh or keep-alive
        }
    }

    /// A re-INVITE goes to the call as a new offer once it is known to be in order.
    private func reinvite(_ request: SIPRequest, via: Via, source: SIPSource) {
        let refuse = { (status: Int, reason: String, extra: [(String, String)]) in
            var response = SIPResponse(to: request, status: status, reason: reason)
            for (name, value) in extra { response.headers.add(name, value) }
            source.reply(response.serialized(), via: via)
        }
        guard let call = dialog(of: request) else {
            return refuse(481, "Call/Transaction Does Not Exist", [])
        }
        let reply: @Sendable ([UInt8]) -> Void = { bytes in source.reply(bytes, via: via) }
        switch call.dialogServer.reinvite(request, established: call.isEstablished, reliable: source.transport.isReliable, reply: reply) {
        case .retransmission: return
        case .pending: refuse(500, "Server Internal Error", [("Retry-After", "\(Int.random(in: 1...10))")])
        case .outOfOrder: refuse(500, "CSeq Out of Order", [])
        case .new(let offer): call.deliver(.offer(offer))
        }
    }

    /// INVITE transactions kept at once (each lives until its ACK, or 32 s): past this a flood
    /// of new INVITEs is refused statelessly (503) instead of filling memory.
    static let maximumInviteTransactions = 20_000

    /// A new INVITE goes to the call layer after 100 Trying; a retransmitted one gets the last
    /// response again.
    private func invite(_ request: SIPRequest, via: Via, key: String, source: SIPSource) {
        guard let callHandler else { return }
        let (existing, full) = calls.withLock { ($0.byBranch[key], $0.byBranch.count >= Self.maximumInviteTransactions) }
        if let existing {
            existing.resendLastResponse()
            return
        }
        guard !full else {
            var busy = SIPResponse(to: request, status: 503, reason: "Service Unavailable", toTag: Registrar.tag())
            busy.headers.add("Retry-After", "5")
            source.reply(busy.serialized(), via: via)
            return
        }
        let call = IncomingCall(
            request: request, source: source, via: via, localContact: contact(toward: source.address, transport: source.transport),
            endpoint: self)
        let merged = calls.withLock { tables -> Bool in
            if let other = tables.byOrigin[call.originKey], other != key { return true }
            tables.byBranch[key] = call
            tables.byDialog[call.callID + "|" + call.localTag] = call
            tables.byOrigin[call.originKey] = key
            return false
        }
        if merged {
            source.reply(SIPResponse(to: request, status: 482, reason: "Loop Detected", toTag: Registrar.tag()).serialized(), via: via)
            return
        }
        call.respond(status: 100, reason: "Trying")
        Task { await callHandler.incoming(call) }
    }

    /// The call whose dialog an in-dialog request (ACK, BYE, re-INVITE…) belongs to: its Call-ID and our tag
    /// in its To header.
    private func dialog(of request: SIPRequest) -> (any DialogPeer)? {
        guard let callID = request.headers["Call-ID"], let tag = NameAddress(request.headers["To"] ?? "")?.tag else { return nil }
        return calls.withLock { $0.byDialog[callID + "|" + tag] }
    }

    /// Answers a non-INVITE request. Over UDP the response is kept for retransmissions of the
    /// request: 32 s (Timer J), or 8 s for a challenge or refusal of a caller that proved
    /// nothing (401, 403, 407), so a flood of made-up requests leaves little behind.
    private func finish(_ key: String, _ response: SIPResponse, _ via: Via?, _ source: SIPSource) {
        let bytes = response.serialized()
        let lifetime: Duration? =
            source.transport.isReliable ? nil : [401, 403, 407].contains(response.status) ? .seconds(8) : .seconds(32)
        transactions.complete(key, bytes, keepFor: lifetime)
        source.reply(bytes, via: via)
    }

    private func respond(_ response: SIPResponse, to request: SIPRequest, source: SIPSource) {
        source.reply(response.serialized(), via: request.headers.values("Via").first.flatMap(Via.init))
    }


    struct Invalid: Error {
        let reason: String
    }

    /// The mandatory headers of §8.1.1, checked before anything else; gives the top Via.
    static func validate(_ request: SIPRequest) -> Result<Via, Invalid> {
        for name in ["Via", "From", "To", "Call-ID", "CSeq"] where request.headers[name] == nil {
            return .failure(Invalid(reason: "Missing \(name) header"))
        }
        guard let cseq = request.headers["CSeq"], let (number, method) = parseCSeq(cseq),
            number < 1 << 31, method == request.method
        else { return .failure(Invalid(reason: "Invalid CSeq header")) }
        guard let via = request.headers.values("Via").first.flatMap(Via.init) else {
            return .failure(Invalid(reason: "Invalid Via header"))
        }
        guard NameAddress(request.headers["From"] ?? "") != nil else { return .failure(Invalid(reason: "Invalid From header")) }
        guard NameAddress(request.headers["To"] ?? "") != nil else { return .failure(Invalid(reason: "Invalid To header")) }
        if let maxForwards = request.headers["Max-Forwards"], Int(maxForwards) == nil {
            return .failure(Invalid(reason: "Invalid Max-Forwards header"))
        }
        return .success(via)
    }

    static func parseCSeq(_ value: String) -> (UInt64, String)? {
        let parts = value.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, let number = UInt64(parts[0]) else { return nil }
        return (number, String(parts[1]))
    }
}
