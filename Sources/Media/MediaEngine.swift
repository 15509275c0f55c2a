import NIOCore
import Synchronization

/// The real-time side of Parley: RTP sessions on media loops of its own (`MediaLoop`), one
/// 20 ms clock per loop serving every session on it (not a timer per session), ports lent from
/// `--rtp-ports`. Call legs open sessions and command them; audio never goes through an actor.
public final class MediaEngine: Sendable {
    private let loops: [MediaLoop]
    private let nextLoop = Atomic<Int>(0)
    private let tickers: [ObjectIdentifier: NIOLoopBound<LoopTicker>]
    private let host: String
    public let ports: RTPPortPool
    private let rtpTimeout: TimeAmount

    /// Starts the loops and their clocks. `host` is the address sessions bind.
    public static func start(
        host: String, ports: ClosedRange<Int>, rtpTimeout: Duration = .seconds(30), threads: Int = System.coreCount
    ) async throws -> MediaEngine {
        var loops: [MediaLoop] = []
        var tickers: [ObjectIdentifier: NIOLoopBound<LoopTicker>] = [:]
        for index in 0..<max(1, threads) {
            let loop = try MediaLoop(name: "parley-media-\(index)")
            loops.append(loop)
            tickers[ObjectIdentifier(loop)] = try await loop.submit {
                let ticker = LoopTicker()
                ticker.clock = MediaClock(loop: loop) { [ticker] now in ticker.tick(now: now) }
                return NIOLoopBound(ticker, eventLoop: loop)
            }.get()
        }
        let timeout = TimeAmount.nanoseconds(Int64(rtpTimeout.components.seconds) * 1_000_000_000)
        return MediaEngine(loops: loops, tickers: tickers, host: host, ports: RTPPortPool(range: ports), rtpTimeout: timeout)
    }

    private init(
        loops: [MediaLoop], tickers: [ObjectIdentifier: NIOLoopBound<LoopTicker>], host: String, ports: RTPPortPool, rtpTimeout: TimeAmount
    ) {
        self.loops = loops
        self.tickers = tickers
        self.host = host
        self.ports = ports
        self.rtpTimeout = rtpTimeout
    }

    public enum OpenError: Error {
        /// Every port of the range is in use (or none could be bound).
        case noFreePort
    }

    /// The loops in turn.
    private func anyLoop() -> MediaLoop {
        loops[nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Binds a session on a free port; it sends nothing until `start`. A session opened
    /// `near` another shares its loop, so the two can be bridged without a hop.
    public func openSession(near neighbour: MediaSession? = nil) async throws -> MediaSession {
        let loop = neighbour?.loop ?? anyLoop()
        guard let ticker = tickers[ObjectIdentifier(loop)] else { throw OpenError.noFreePort }
        for _ in 0..<8 {
            guard let port = ports.take() else { throw OpenError.noFreePort }
            let socket: UDPSocket
            do {
                socket = try UDPSocket.bind(host: host, port: port)
            } catch {
                ports.give(port)  // taken by something else on this machine: try the next one
                continue
            }
            // RTCP on the port above; a session works without it if that port is taken.
            let rtcp = try? UDPSocket.bind(host: host, port: port + 1)
            let (events, continuation) = AsyncStream<MediaEvent>.makeStream()
            let timeout = rtpTimeout
            let core = try await loop.submit {
                let core = SessionCore(socket: socket, rtcpSocket: rtcp, rtpTimeout: timeout) { continuation.yield($0) }
                loop.register(socket.descriptor) { core.receive($0, from: $1) }
                if let rtcp { loop.register(rtcp.descriptor) { core.receiveReport($0, from: $1) } }
                ticker.value.sessions.append(core)
                return NIOLoopBound(core, eventLoop: loop)
            }.get()
            return MediaSession(port: port, core: core, ticker: ticker, loop: loop, ports: ports, events: events, continuation: continuation)
        }
        throw OpenError.noFreePort
    }

    /// A conference mixer on one of the engine's loops.
    public func makeMixer() async throws -> ConferenceMixer {
        try await ConferenceMixer(loop: anyLoop())
    }

    /// Counts over every session since the start, the open ones as `sessions`.
    public func totals() async -> MediaTotals {
        var sum = MediaTotals()
        for loop in loops {
            guard let ticker = tickers[ObjectIdentifier(loop)] else { continue }
            sum = sum + ((try? await loop.submit { ticker.value.totals }.get()) ?? MediaTotals())
        }
        return sum
    }

    public func shutdown() async {
        for loop in loops { try? await loop.shutdownGracefully() }
    }
}

/// Every session of one loop, ticked together every 20 ms.
final class LoopTicker {
    var sessions: [SessionCore] = []
    var clock: MediaClock?
    /// What the sessions this loop closed had counted.
    var closed = MediaTotals()

    /// The closed sessions' counts plus the open ones'.
    var totals: MediaTotals {
        var sum = sessions.reduce(closed) { $0 + $1.totals }
        sum.sessions = sessions.count
        return sum
    }

    /// Forgets a session that closes, keeping its counts.
    func retire(_ session: SessionCore) {
        closed = closed + session.totals
        sessions.removeAll { $0 === session }
    }

    func tick(now: NIODeadline) {
        for session in sessions { session.tick(now: now) }
    }
}
