import Foundation
import NIOCore
import NIOPosix

/// The real-time side of Parley: RTP sessions on SwiftNIO event loops of its own, one 20 ms
/// clock per loop serving every session on it (not a timer per session), ports lent from
/// `--rtp-ports`. Call legs open sessions and command them; audio never goes through an actor.
public final class MediaEngine: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let tickers: [ObjectIdentifier: NIOLoopBound<LoopTicker>]
    private let host: String
    public let ports: RTPPortPool
    private let rtpTimeout: TimeAmount

    /// Starts the loops and their clocks. `host` is the address sessions bind.
    public static func start(
        host: String, ports: ClosedRange<Int>, rtpTimeout: Duration = .seconds(30), threads: Int = System.coreCount
    ) async throws -> MediaEngine {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        var tickers: [ObjectIdentifier: NIOLoopBound<LoopTicker>] = [:]
        for loop in group.makeIterator() {
            tickers[ObjectIdentifier(loop)] = try await loop.submit {
                let ticker = LoopTicker()
                ticker.clock = MediaClock(loop: loop) { [ticker] now in ticker.tick(now: now) }
                return NIOLoopBound(ticker, eventLoop: loop)
            }.get()
        }
        let timeout = TimeAmount.nanoseconds(Int64(rtpTimeout.components.seconds) * 1_000_000_000)
        return MediaEngine(group: group, tickers: tickers, host: host, ports: RTPPortPool(range: ports), rtpTimeout: timeout)
    }

    private init(
        group: MultiThreadedEventLoopGroup, tickers: [ObjectIdentifier: NIOLoopBound<LoopTicker>], host: String,
        ports: RTPPortPool, rtpTimeout: TimeAmount
    ) {
        self.group = group
        self.tickers = tickers
        self.host = host
        self.ports = ports
        self.rtpTimeout = rtpTimeout
    }

    public enum OpenError: Error {
        /// Every port of the range is in use (or none could be bound).
        case noFreePort
    }

    /// Binds a session on a free port; it sends nothing until `start`. A session opened
    /// `near` another shares its event loop, so the two can be bridged without a hop.
    public func openSession(near neighbour: MediaSession? = nil) async throws -> MediaSession {
        let loop = neighbour?.loop ?? group.next()
        guard let ticker = tickers[ObjectIdentifier(loop)] else { throw OpenError.noFreePort }
        for _ in 0..<8 {
            guard let port = ports.take() else { throw OpenError.noFreePort }
            let (events, continuation) = AsyncStream<MediaEvent>.makeStream()
            let timeout = rtpTimeout
            do {
                let socket = try UDPSocket.bind(host: host, port: port)
                let channel: any Channel
                do {
                    channel = try await DatagramBootstrap(group: loop).withBoundSocket(socket.descriptor).get()
                } catch {
                    socket.close()
                    throw error
                }
                // RTCP on the port above; a session works without it if that port is taken.
                let rtcp = try? await DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: host, port: port + 1).get()
                let core = try await loop.submit {
                    let core = SessionCore(channel: channel, socket: socket, rtpTimeout: timeout) { continuation.yield($0) }
                    try channel.pipeline.syncOperations.addHandler(RTPHandler(core: core))
                    if let rtcp {
                        core.rtcpChannel = rtcp
                        try rtcp.pipeline.syncOperations.addHandler(RTCPHandler(core: core))
                    }
                    ticker.value.sessions.append(core)
                    return NIOLoopBound(core, eventLoop: loop)
                }.get()
                return MediaSession(port: port, core: core, ticker: ticker, loop: loop, ports: ports, events: events, continuation: continuation)
            } catch {
                ports.give(port)  // taken by something else on this machine: try the next one
                continue
            }
        }
        throw OpenError.noFreePort
    }

    /// A conference mixer on one of the engine's loops.
    public func makeMixer() async throws -> ConferenceMixer {
        try await ConferenceMixer(loop: group.next())
    }

    public func shutdown() async {
        try? await group.shutdownGracefully()
    }
}

/// Every session of one loop, ticked together every 20 ms.
final class LoopTicker {
    var sessions: [SessionCore] = []
    var clock: MediaClock?

    func tick(now: NIODeadline) {
        for session in sessions { session.tick(now: now) }
    }
}

/// Hands each RTCP datagram to its session, on the loop.
private final class RTCPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let core: SessionCore

    init(core: SessionCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        core.receiveReport(unwrapInboundIn(data).data)
    }
}

/// Hands each datagram to its session, on the loop.
private final class RTPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let core: SessionCore

    init(core: SessionCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        core.receive(envelope.data, from: envelope.remoteAddress)
    }
}
