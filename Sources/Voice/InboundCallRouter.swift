import Addressing
import Foundation
import Logging
import Media
import SDP
import SIP
import SIPMessages
import Store

/// Decides where an inbound INVITE goes. A call whose From is a Client login is a Client
/// calling out: challenged (407) and, once authenticated, it runs the Client's voice
/// application (403 if the Client is disabled, its account is not active, or it dials what the
/// `DestinationPolicy` refuses; 480 if it has no application). Any other call must come from a
/// trunk to a Belgian number: it reaches the account holding the number if the number is bound
/// to an application (404 unknown number or closed account, 480 suspended account or no
/// application, 403 another source). An offer without a common codec gets 488. The number's
/// application wins over its own voice URL.
public struct InboundCallRouter: CallHandler {
    let accounts: any AccountRepository
    let numbers: any NumberRepository
    let applications: any ApplicationRepository
    let calls: any CallRepository
    let runtime: RCMLRuntime
    let clients: any ClientRepository
    let authenticator: DigestAuthenticator
    let trunks: Trunks
    let addresses: AdvertisedAddresses
    let media: MediaEngine
    let live: LiveCalls
    let clock: any WallClock
    let logger: Logger

    public init(
        accounts: any AccountRepository, numbers: any NumberRepository, applications: any ApplicationRepository, calls: any CallRepository,
        clients: any ClientRepository, runtime: RCMLRuntime, authenticator: DigestAuthenticator, trunks: Trunks,
        addresses: AdvertisedAddresses, media: MediaEngine, live: LiveCalls, clock: any WallClock, logger: Logger
    ) {
        self.live = live
        self.accounts = accounts
        self.numbers = numbers
        self.applications = applications
        self.runtime = runtime
        self.calls = calls
        self.clients = clients
        self.authenticator = authenticator
        self.trunks = trunks
        self.addresses = addresses
        self.media = media
        self.clock = clock
        self.logger = logger
    }

    public func incoming(_ call: IncomingCall) async {
        // A draining server takes no new calls; the caller's proxy may try another instance.
        guard live.acceptsNewCalls else {
            return call.respond(status: 503, reason: "Service Unavailable: shutting down", headers: [("Retry-After", "5")])
        }
        let from = NameAddress(call.request.headers["From"] ?? "")
        // The carrier's calls are routed as PSTN calls whatever their From says (a Client
        // named like a caller ID changes nothing); everyone else is a softphone and is
        // challenged alike, whether the login exists or not, so no login can be probed.
        guard trunks.admits(address: call.source.address, port: call.source.port), call.request.headers["Proxy-Authorization"] == nil
        else { return await fromClient(call, from: from) }
        // The number is in the request-URI; a carrier that calls Parley's registered Contact
        // (its user is the trunk's user name) gives the number in To instead.
        let dialled = [SIPURI(call.request.uri)?.user, NameAddress(call.request.headers["To"] ?? "")?.uri.user]
        guard let e164 = dialled.lazy.compactMap({ $0.flatMap(BelgianNumberPlan.normalise) }).first else {
            return refuse(call, 404, "Not Found")
        }
        let number: PhoneNumber?
        do {
            number = try await numbers.find(e164: e164)
        } catch {
            logger.error("number lookup failed", metadata: ["error": "\(error)"])
            return refuse(call, 500, "Server Internal Error")
        }
        guard let number, number.state == .reserved, let account = number.accountSid else {
            return refuse(call, 404, "Not Found")
        }
        // A suspended account (or one whose owner is) takes no calls for now; a closed one never.
        switch try? await accounts.standing(of: account) {
        case .active: break
        case .suspended: return refuse(call, 480, "Temporarily Unavailable")
        case .closed, nil: return refuse(call, 404, "Not Found")
        }
        let application = await self.application(number.routing.voiceApplicationSid, account: account)
        guard let target = application.flatMap(WebhookTarget.init(application:)) ?? WebhookTarget(routing: number.routing)
        else { return refuse(call, 480, "Temporarily Unavailable") }
        // The application's status callback, else the number's: told when the call completes.
        let statusCallback =
            application.flatMap { app in app.statusCallback.map { StatusCallback(url: $0, method: app.statusCallbackMethod) } }
            ?? number.routing.statusCallback.map { StatusCallback(url: $0, method: number.routing.statusCallbackMethod) }
        let caller = from?.uri.user.map { BelgianNumberPlan.normalise($0) ?? $0 } ?? "anonymous"
        guard await admit(call, account: account, to: e164) else { return }
        await answer(
            call, target: target, statusCallback: statusCallback, account: account, to: e164, from: caller,
            callerName: from?.displayName, number: number.sid)
        runtime.admission.release(account)
    }

    /// Whether the account may take one more call now; if not, 503 with Retry-After and a
    /// Notification.
    private func admit(_ call: IncomingCall, account: AccountSid, to: String) async -> Bool {
        do {
            try await runtime.admission.admit(account)
            return true
        } catch {
            await runtime.fetcher.notify(
                code: 20429, message: "Call to \(to) refused: \(error)", url: call.request.uri, account: account, call: nil, level: .warning)
            call.respond(status: 503, reason: "Service Unavailable: call limit reached", headers: [("Retry-After", String(error.retryAfter))])
            return false
        }
    }

    /// A registered softphone calling out: authenticated like a proxy would (RFC 3261 §22.3).
    private func fromClient(_ call: IncomingCall, from: NameAddress?) async {
        // Answers to callers that proved nothing yet go once (no retransmission over UDP).
        switch await authenticator.authenticate(call.request, as: .proxy, sourceAddress: call.source.address) {
        case .challenge(let stale):
            call.respond(
                status: 407, reason: "Proxy Authentication Required", headers: authenticator.challengeHeaders(as: .proxy, stale: stale),
                retransmit: false)
        case .throttled:
            call.respond(status: 403, reason: "Too Many Failed Attempts", headers: [("Retry-After", "60")], retransmit: false)
        case .badRequest(let reason):
            call.respond(status: 400, reason: reason, retransmit: false)
        case .disabled:
            call.respond(status: 403, reason: "Client Disabled")
        case .authenticated(let client):
            call.markFromSoftphone()
            let user = SIPURI(call.request.uri)?.user ?? ""
            do {
                try DestinationPolicy.check(dialled: user)
            } catch {
                await runtime.fetcher.notify(
                    code: 13225, message: "Call from client:\(client.login) refused: \(error)", url: call.request.uri,
                    account: client.accountSid, call: nil)
                return refuse(call, 403, error.forbiddenReason)
            }
            let application = await self.application(client.voiceApplicationSid, account: client.accountSid)
            guard let target = application.flatMap(WebhookTarget.init(application:)) ?? WebhookTarget(client: client)
            else { return refuse(call, 480, "Temporarily Unavailable") }
            let dialled = SIPURI(call.request.uri)?.user.map { BelgianNumberPlan.normalise($0) ?? $0 } ?? call.request.uri
            guard await admit(call, account: client.accountSid, to: dialled) else { return }
            await answer(
                call, target: target, account: client.accountSid, to: dialled, from: "client:\(client.login)",
                callerName: from?.displayName, number: nil)
            runtime.admission.release(client.accountSid)
        }
    }

    /// The bound application, if any.
    private func application(_ sid: ApplicationSid?, account: AccountSid) async -> Application? {
        guard let sid else { return nil }
        return try? await applications.find(sid, account: account)
    }

    private func answer(
        _ call: IncomingCall, target: WebhookTarget, statusCallback: StatusCallback? = nil, account: AccountSid, to: String, from: String, callerName: String?,
        number: PhoneNumberSid?
    ) async {
        let offer: SessionDescription
        do {
            offer = try SessionDescription(parsing: String(decoding: call.request.body, as: UTF8.self))
        } catch {
            return refuse(call, 488, "Not Acceptable Here")
        }
        let session: MediaSession
        do {
            session = try await media.openSession()
        } catch {
            logger.warning("no RTP port free; refusing a call", metadata: ["error": "\(error)"])
            return refuse(call, 503, "Service Unavailable")
        }
        let local: LocalMedia
        do {
            // The SDP names the address of the interface that routes toward the caller.
            let negotiator = OfferAnswer(supported: [.pcmu, .pcma, .opus], localAddress: addresses.rtpHost(toward: call.source.address))
            local = try LocalMedia(offer: offer, negotiator: negotiator, port: session.port)
        } catch {
            await session.close()
            return refuse(call, 488, "Not Acceptable Here")
        }
        // SRTP fails closed: keys that give no SRTP context refuse the call.
        guard MediaParameters(local.negotiated)?.canProtect ?? true else {
            logger.warning("SRTP keys could not be used; refusing the call", metadata: ["call-id": "\(call.request.headers["Call-ID"] ?? "")"])
            await session.close()
            return refuse(call, 488, "Not Acceptable Here: SRTP keys unusable")
        }
        if local.negotiated.srtp != nil, !call.source.transport.isSecure {
            logger.warning(
                "SDES keys arrived over an unencrypted transport; accepted for compatibility, but anyone on the path can read them",
                metadata: ["source": "\(call.source.description)"])
        }
        let now = clock.now()
        let leg = CallLeg(
            call: call, application: target, statusCallback: statusCallback, runtime: runtime, calls: calls, clock: clock, logger: logger,
            record: CallRecord(
                sid: .generate(), accountSid: account, to: to, from: from, status: .ringing, direction: .inbound,
                phoneNumberSid: number, callerName: callerName, sipCallID: call.request.headers["Call-ID"],
                dateCreated: now, dateUpdated: now),
            media: local, session: session)
        await leg.run(registeringIn: live)
    }

    /// A final refusal; the call's bookkeeping ends with the caller's ACK (or Timer H).
    private func refuse(_ call: IncomingCall, _ status: Int, _ reason: String) {
        call.respond(status: status, reason: reason)
    }
}
