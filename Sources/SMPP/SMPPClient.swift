import Logging
import Metrics
import NIOCore
import NIOPosix
import SMPPMessages

/// An ESME's transceiver bind to one SMSC (SMPP 3.4): it connects and binds, keeps the link
/// alive with enquire_link, reconnects with a doubling delay when the link drops, keeps at
/// most `window` submit_sm outstanding, and slows down (instead of failing messages) when
/// the SMSC answers ESME_RTHROTTLED or ESME_RMSGQFUL. Each deliver_sm is answered with what
/// the deliver handler returns, after it returns, so a receipt or a message is acknowledged
/// only once the handler has kept it.
public actor SMPPClient {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var bind: BindRequest
        /// submit_sm PDUs awaiting their response at once.
        public var window: Int
        /// Silence on the link after which an enquire_link is sent.
        public var enquireLinkInterval: Duration
        /// How long a response may take before the request's outcome is unknown (and, for
        /// bind and enquire_link, the link is taken for dead).
        public var responseTimeout: Duration
        public var firstReconnectDelay: Duration
        public var longestReconnectDelay: Duration

        public init(
            host: String, port: Int, bind: BindRequest, window: Int = 64, enquireLinkInterval: Duration = .seconds(30),
            responseTimeout: Duration = .seconds(10), firstReconnectDelay: Duration = .seconds(1), longestReconnectDelay: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.bind = bind
            self.window = window
            self.enquireLinkInterval = enquireLinkInterval
            self.responseTimeout = responseTimeout
            self.firstReconnectDelay = firstReconnectDelay
            self.longestReconnectDelay = longestReconnectDelay
        }
    }

    /// Decides the status of the deliver_sm_resp for a message or receipt from the SMSC.
    public typealias DeliverHandler = @Sendable (ShortMessage) async -> SMPPStatus

    private struct Pending {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<SMPPPDU, any Error>
    }

    private struct LinkLost: Error {}

    private let configuration: Configuration
    private let group: any EventLoopGroup
    private let logger: Logger
    private var deliverHandler: DeliverHandler?
    private let clock = ContinuousClock()

    private var channel: (any Channel)?
    private var bound = false
    private var boundThisLink = false
    private var stopped = false
    private var nextSequence: UInt32 = 1
    private var pending: [UInt32: Pending] = [:]
    private var readyWaiters: [CheckedContinuation<Void, any Error>] = []
    private var outstandingSubmits = 0
    private var lastHeard: ContinuousClock.Instant
    private var enquiryDeadline: ContinuousClock.Instant?
    /// While the SMSC pushes back, no submit_sm goes before this time.
    private var pausedUntil: ContinuousClock.Instant?
    private var backPressureDelay: Duration = .zero

    /// `parley_smpp_submit_responses_total` by status, made once per status seen.
    private var responseCounters: [SMPPStatus: Counter] = [:]

    private func responses(for status: SMPPStatus) -> Counter {
        if let counter = responseCounters[status] { return counter }
        let counter = Counter(label: "parley_smpp_submit_responses_total", dimensions: [("status", status.description)])
        responseCounters[status] = counter
        return counter
    }

    private static let shortestBackPressureDelay: Duration = .milliseconds(50)
    private static let longestBackPressureDelay: Duration = .seconds(5)

    public init(configuration: Configuration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        lastHeard = clock.now
    }

    /// Who decides on deliver_sm; until one is set they are answered ESME_RSYSERR, which the
    /// SMSC retries later.
    public func deliver(to handler: @escaping DeliverHandler) {
        deliverHandler = handler
    }

    /// Whether a bind is up now.
    public var isBound: Bool { bound }

    /// Keeps a bind up until the task is cancelled; then unbinds and fails what waits.
    public func run() async {
        var delay = configuration.firstReconnectDelay
        while !Task.isCancelled {
            var wasBound = false
            do {
                wasBound = try await session()
            } catch {
                logger.warning("SMPP link to \(configuration.host):\(configuration.port) failed: \(error)")
            }
            linkEnded()
            if wasBound { delay = configuration.firstReconnectDelay }
            guard !Task.isCancelled else { break }
            logger.info("SMPP reconnecting in \(delay)")
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, configuration.longestReconnectDelay)
        }
        stopped = true
        for waiter in readyWaiters { waiter.resume(throwing: CancellationError()) }
        readyWaiters.removeAll()
    }

    /// Returns once a bind is up; throws once the client has stopped.
    public func waitUntilBound() async throws {
        while !bound {
            guard !stopped else { throw CancellationError() }
            try await withCheckedThrowingContinuation { readyWaiters.append($0) }
        }
    }

    /// Submits one message and returns the SMSC's message id. Waits while the link is down,
    /// the window is full or the SMSC pushes back.
    public func submit(_ message: ShortMessage) async throws(SMPPSubmitError) -> String {
        var frame = ByteBuffer()
        while true {
            do {
                try await waitUntilReady()
            } catch {
                throw .shutDown
            }
            let sequence = takeSequence()
            frame.clear()
            do {
                try SMPPPDU(sequenceNumber: sequence, body: .submitSM(message)).encode(into: &frame)
            } catch {
                throw .unencodable(error)
            }
            outstandingSubmits += 1
            let response: SMPPPDU
            do {
                response = try await request(frame, sequence: sequence)
            } catch {
                releaseWindowSlot()
                throw .outcomeUnknown
            }
            releaseWindowSlot()
            responses(for: response.status).increment()
            if response.status == .ok, case .submitSMResp(let messageID) = response.body {
                backPressureDelay = .zero
                return messageID
            }
            guard response.status.isBackPressure else { throw .refused(response.status) }
            pushedBack()
        }
    }

    // MARK: The link

    /// One connection: bind, then read until it closes. Returns whether the bind succeeded.
    private func session() async throws -> Bool {
        let bridge = SMPPInboundBridge()
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMPPFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(bridge)
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        self.channel = channel
        lastHeard = clock.now
        boundThisLink = false
        await withDiscardingTaskGroup { group in
            group.addTask { await self.watch(channel) }
            group.addTask {
                guard let response = try? await self.requestOnLink(.bindTransceiver(self.configuration.bind)) else { return }
                await self.bindAnswered(response)
            }
            for await frame in bridge.frames { handle(frame, group: &group) }
            // Cancelled (Parley stops) or the link closed: unbind politely if it is still up,
            // and fail what waits for a response so no task waits on a dead link.
            if Task.isCancelled, bound {
                write(SMPPPDU(sequenceNumber: takeSequence(), body: .unbind))
            }
            channel.close(promise: nil)
            linkEnded()
            group.cancelAll()
        }
        return boundThisLink
    }

    private func bindAnswered(_ response: SMPPPDU) {
        guard response.status == .ok, case .bindTransceiverResp(let systemID) = response.body else {
            logger.error("SMPP bind to \(configuration.host):\(configuration.port) refused: \(response.status)")
            channel?.close(promise: nil)
            return
        }
        bound = true
        boundThisLink = true
        logger.info("SMPP bound as transceiver to \(systemID.isEmpty ? configuration.host : systemID)")
        wakeReadyWaiters()
    }

    /// Reads one frame: a response goes to its request; a request from the SMSC is answered.
    private func handle(_ frame: ByteBuffer, group: inout DiscardingTaskGroup) {
        // Any PDU from the SMSC proves the link, so an enquire_link's response needs no pairing.
        lastHeard = clock.now
        enquiryDeadline = nil
        let pdu: SMPPPDU
        do {
            pdu = try SMPPPDU(decoding: frame)
        } catch {
            logger.warning("SMPP PDU refused: \(error)")
            write(SMPPPDU(status: error.nackStatus, sequenceNumber: error.sequenceNumber, body: .genericNack))
            return
        }
        if pdu.command.isResponse {
            if pdu.command == .genericNack, pdu.sequenceNumber == 0 { return }
            pending.removeValue(forKey: pdu.sequenceNumber)?.continuation.resume(returning: pdu)
            return
        }
        switch pdu.body {
        case .enquireLink:
            write(SMPPPDU(sequenceNumber: pdu.sequenceNumber, body: .enquireLinkResp))
        case .unbind:
            write(SMPPPDU(sequenceNumber: pdu.sequenceNumber, body: .unbindResp))
            bound = false
            channel?.close(promise: nil)
        case .deliverSM(let message):
            let sequence = pdu.sequenceNumber
            let handler = deliverHandler
            group.addTask {
                let status = await handler?(message) ?? .systemError
                await self.write(SMPPPDU(status: status, sequenceNumber: sequence, body: .deliverSMResp))
            }
        default:
            write(SMPPPDU(status: .invalidCommandID, sequenceNumber: pdu.sequenceNumber, body: .genericNack))
        }
    }

    /// Twice a second: fails requests past their deadline, sends an enquire_link after
    /// silence, and closes a link whose enquire_link or bind went unanswered.
    private func watch(_ channel: any Channel) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let now = clock.now
            for (sequence, request) in pending where request.deadline <= now {
                pending.removeValue(forKey: sequence)
                request.continuation.resume(throwing: LinkLost())
            }
            let unanswered = enquiryDeadline.map { $0 <= now } ?? false
            if unanswered || (!bound && now - lastHeard > configuration.responseTimeout) {
                logger.warning("SMPP link to \(configuration.host):\(configuration.port) silent for \(configuration.responseTimeout): closing it")
                channel.close(promise: nil)
                return
            }
            if bound, enquiryDeadline == nil, now - lastHeard >= configuration.enquireLinkInterval {
                enquiryDeadline = now + configuration.responseTimeout
                write(SMPPPDU(sequenceNumber: takeSequence(), body: .enquireLink))
            }
        }
    }

    private func linkEnded() {
        bound = false
        channel = nil
        enquiryDeadline = nil
        for request in pending.values { request.continuation.resume(throwing: LinkLost()) }
        pending.removeAll()
    }

    // MARK: Requests

    /// Sends `frame` and waits for its response. A submit_sm needs the bind up; the bind
    /// itself (`requireBind` false) needs only the connection.
    private func request(_ frame: ByteBuffer, sequence: UInt32, requireBind: Bool = true) async throws -> SMPPPDU {
        guard let channel, bound || !requireBind else { throw LinkLost() }
        return try await withCheckedThrowingContinuation { continuation in
            pending[sequence] = Pending(deadline: clock.now + configuration.responseTimeout, continuation: continuation)
            channel.writeAndFlush(frame, promise: nil)
        }
    }

    /// A request sent before the bind is up (the bind itself).
    private func requestOnLink(_ body: SMPPPDU.Body) async throws -> SMPPPDU {
        let sequence = takeSequence()
        var frame = ByteBuffer()
        try SMPPPDU(sequenceNumber: sequence, body: body).encode(into: &frame)
        return try await request(frame, sequence: sequence, requireBind: false)
    }

    private func write(_ pdu: SMPPPDU) {
        var frame = ByteBuffer()
        guard let channel, (try? pdu.encode(into: &frame)) != nil else { return }
        channel.writeAndFlush(frame, promise: nil)
    }

    private func takeSequence() -> UInt32 {
        let sequence = nextSequence
        nextSequence = nextSequence >= 0x7FFF_FFFF ? 1 : nextSequence + 1
        return sequence
    }

    // MARK: Flow control

    private var isReady: Bool {
        bound && outstandingSubmits < configuration.window && (pausedUntil.map { clock.now >= $0 } ?? true)
    }

    private func waitUntilReady() async throws {
        while !isReady {
            guard !stopped else { throw CancellationError() }
            if bound, let pausedUntil, clock.now < pausedUntil, outstandingSubmits < configuration.window {
                try await Task.sleep(until: pausedUntil, clock: clock)
                continue
            }
            try await withCheckedThrowingContinuation { readyWaiters.append($0) }
        }
    }

    private func releaseWindowSlot() {
        outstandingSubmits -= 1
        wakeReadyWaiters()
    }

    private func wakeReadyWaiters() {
        let waiters = readyWaiters
        readyWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// The SMSC asked to slow down: pause every sender, for twice as long as last time.
    private func pushedBack() {
        backPressureDelay = min(max(backPressureDelay * 2, Self.shortestBackPressureDelay), Self.longestBackPressureDelay)
        pausedUntil = clock.now + backPressureDelay
        logger.notice("SMPP: the SMSC pushes back; pausing \(backPressureDelay)")
    }
}
