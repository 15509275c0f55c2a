import Foundation
import SIPMessages
import Synchronization

/// What happens to an incoming INVITE after it was handed to the call layer.
public enum IncomingCallEvent: Sendable, Equatable {
    /// The caller acknowledged the final response.
    case acknowledged
    /// The caller gave up before the call was answered (CANCEL; RFC 3261 §9.2).
    case canceled
    /// The caller hung up an answered call (BYE).
    case hungUp
    /// No ACK came for a 2xx within 64·T1: the call is dead.
    case acknowledgementTimedOut
}

/// The server side of one INVITE (RFC 3261 §17.2.1) and, once answered, of its dialog: sends
/// provisional and final responses, retransmits the final response over UDP until the ACK
/// (Timer G, with 2xx retransmission per §13.3.1.4), and reports ACK, CANCEL and BYE as events.
public final class IncomingCall: Sendable {
    public let request: SIPRequest
    public let source: SIPSource
    /// Our To tag, set on every response but 100.
    public let localTag: String
    public let events: AsyncStream<IncomingCallEvent>

    let callID: String
    let branchKey: String
    private let via: Via?
    private let localContact: String
    private let continuation: AsyncStream<IncomingCallEvent>.Continuation
    private let state = Mutex(State())
    private let onEnd: @Sendable (IncomingCall) -> Void

    private struct State {
        var lastResponse: [UInt8]?
        var finalStatus: Int?
        var acknowledged = false
        var ended = false
    }

    init(request: SIPRequest, source: SIPSource, via: Via?, localContact: String, onEnd: @escaping @Sendable (IncomingCall) -> Void) {
        self.request = request
        self.source = source
        self.via = via
        self.localContact = localContact
        self.localTag = Registrar.tag()
        self.callID = request.headers["Call-ID"] ?? ""
        self.branchKey = ResponseCache.key(request, via: via)
        self.onEnd = onEnd
        (events, continuation) = AsyncStream.makeStream()
    }

    /// Sends a response; a final one is retransmitted over UDP until acknowledged.
    public func respond(status: Int, reason: String, sdp: String? = nil, headers extra: [(String, String)] = []) {
        var response = SIPResponse(to: request, status: status, reason: reason, toTag: status == 100 ? nil : localTag)
        for (name, value) in extra { response.headers.add(name, value) }
        if status / 100 == 2 { response.headers.add("Contact", localContact) }
        if let sdp {
            response.headers.add("Content-Type", "application/sdp")
            response.body = Array(sdp.utf8)
        }
        let bytes = response.serialized()
        let isFinal = status >= 200
        let proceed = state.withLock { state -> Bool in
            guard state.finalStatus == nil else { return false }
            state.lastResponse = bytes
            if isFinal { state.finalStatus = status }
            return true
        }
        guard proceed else { return }
        send(bytes)
        if isFinal && source.transport == .udp { retransmitUntilAcknowledged(bytes) }
    }

    /// Ends the call's bookkeeping (after a BYE, a CANCEL or a failure).
    public func end() {
        let first = state.withLock { state -> Bool in
            defer { state.ended = true }
            return !state.ended
        }
        guard first else { return }
        continuation.finish()
        onEnd(self)
    }

    func resendLastResponse() {
        if let bytes = state.withLock({ $0.lastResponse }) { send(bytes) }
    }

    func acknowledge() {
        let first = state.withLock { state -> Bool in
            defer { state.acknowledged = true }
            return !state.acknowledged && state.finalStatus != nil
        }
        if first { continuation.yield(.acknowledged) }
        if state.withLock({ ($0.finalStatus ?? 0) >= 300 }) { end() }
    }

    /// CANCEL: 487 to the INVITE if it is still unanswered, and the event for the call layer.
    func cancel() -> Bool {
        guard state.withLock({ $0.finalStatus == nil }) else { return false }
        respond(status: 487, reason: "Request Terminated")
        continuation.yield(.canceled)
        return true
    }

    func hangUp() {
        continuation.yield(.hungUp)
        end()
    }

    private func send(_ bytes: [UInt8]) {
        let port = (via?.parameters["rport"] != nil || source.transport == .tcp) ? source.port : (via?.port ?? 5060)
        source.send(bytes, source.address, port)
    }

    private func retransmitUntilAcknowledged(_ bytes: [UInt8]) {
        Task { [weak self] in
            var interval: Duration = .milliseconds(500)
            var waited: Duration = .zero
            while waited < .seconds(32) {
                try? await Task.sleep(for: interval)
                waited += interval
                guard let self else { return }
                if self.state.withLock({ $0.acknowledged || $0.ended }) { return }
                self.send(bytes)
                interval = min(interval * 2, .seconds(4))
            }
            guard let self, !self.state.withLock({ $0.acknowledged }) else { return }
            self.continuation.yield(.acknowledgementTimedOut)
            self.end()
        }
    }
}

/// The call layer above SIP: decides what to do with each new INVITE.
public protocol CallHandler: Sendable {
    func incoming(_ call: IncomingCall) async
}
