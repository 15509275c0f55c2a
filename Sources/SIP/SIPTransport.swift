import Addressing
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SIPMessages

/// SIP over UDP and TCP on one address and port (RFC 3261 §18), and over TLS on a port of its
/// own when a certificate is given (RFC 3261 §26.2.1, RFC 5630), through SwiftNIO. Datagrams
/// are whole messages; TCP and TLS streams are framed by Content-Length. Every message goes to
/// the endpoint with a way to answer it. Stream connections from peers count against a
/// `ConnectionQuota`; one past it is closed at once.
public final class SIPTransport: Sendable {
    private let udp: any Channel
    private let tcp: any Channel
    private let tls: (any Channel)?
    private let endpoint: SIPEndpoint
    private let logger: Logger
    /// What Parley's own TLS connections trust: the system's CAs and the operator's.
    private let clientTLS: NIOSSLContext

    /// The bound addresses, e.g. `udp:127.0.0.1:5060`.
    public let localAddresses: [String]

    /// Binds UDP and TCP on `host`:`port`, and TLS on `tls.port` with its configuration; the
    /// connections Parley opens over TLS trust `clientTLS`.
    public static func bind(
        host: String, port: Int, tls: (port: Int, configuration: TLSConfiguration)? = nil,
        clientTLS: TLSConfiguration = .makeClientConfiguration(), quota: ConnectionQuota = ConnectionQuota(perSource: 256, total: 10_000),
        endpoint: SIPEndpoint, logger: Logger
    ) async throws -> SIPTransport {
        let group = MultiThreadedEventLoopGroup.singleton
        let udp = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            // recvmmsg: up to 16 datagrams per syscall, each in an 8 KiB slot of the read buffer
            // (SIP over UDP stays below the path MTU; larger messages belong on TCP, §18.1.1).
            .channelOption(.datagramVectorReadMessageCount, value: 16)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * 8192))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if logger.logLevel <= .trace { try channel.pipeline.syncOperations.addHandler(SIPTraceHandler(datagramsTo: logger)) }
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(endpoint: endpoint))
                }
            }
            .bind(host: host, port: port).get()
        // The TCP listener shares the port the UDP socket actually got (port 0 picks one).
        let boundPort = udp.localAddress?.port ?? port
        let tcp = try await stream(host: host, port: boundPort, transport: .tcp, quota: quota, endpoint: endpoint, logger: logger)
        var secure: (any Channel)?
        if let tls {
            let context = try NIOSSLContext(configuration: tls.configuration)
            secure = try await stream(
                host: host, port: tls.port, transport: .tls, tlsContext: context, quota: quota, endpoint: endpoint, logger: logger)
        }
        return SIPTransport(
            udp: udp, tcp: tcp, tls: secure, clientTLS: try NIOSSLContext(configuration: clientTLS), endpoint: endpoint, logger: logger)
    }

    /// A listener for a stream transport: each connection framed into messages, after a TLS
    /// handshake when `tlsContext` is given.
    private static func stream(
        host: String, port: Int, transport: SIPSource.Transport, tlsContext: NIOSSLContext? = nil, quota: ConnectionQuota,
        endpoint: SIPEndpoint, logger: Logger
    ) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard let peer = channel.remoteAddress?.ipAddress.map(IPAddress.unmapped), quota.admit(peer) else {
                    logger.notice("SIP connection refused: too many from its source", metadata: ["transport": "\(transport.rawValue)"])
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in quota.release(peer) }
                return channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(StreamFramer()))
                    if logger.logLevel <= .trace {
                        try channel.pipeline.syncOperations.addHandler(SIPTraceHandler(stream: transport, logger: logger))
                    }
                    try channel.pipeline.syncOperations.addHandler(StreamHandler(transport: transport, endpoint: endpoint, logger: logger))
                }
            }
            .bind(host: host, port: port).get()
    }

    private init(udp: any Channel, tcp: any Channel, tls: (any Channel)?, clientTLS: NIOSSLContext, endpoint: SIPEndpoint, logger: Logger) {
        self.udp = udp
        self.tcp = tcp
        self.tls = tls
        self.clientTLS = clientTLS
        self.endpoint = endpoint
        self.logger = logger
        localAddresses = [("udp", udp), ("tcp", tcp), ("tls", tls)].compactMap { name, channel in
            channel.map { "\(name):\($0.localAddress?.ipAddress ?? "?"):\($0.localAddress?.port ?? 0)" }
        }
    }

    /// The port SIP over TLS listens on, if it does.
    public var tlsPort: Int? { tls?.localAddress?.port }

    /// Opens a TCP or TLS connection to `destination` (a `sips:` target, a trunk over TCP or
    /// TLS); the endpoint hears of it as of a peer's connection, or of its failure. A TLS peer
    /// must show a certificate that `clientTLS` trusts, for the name it was reached by or else
    /// for its address.
    public func connect(to destination: SIPDestination) {
        let endpoint = self.endpoint
        let logger = self.logger
        let context = clientTLS
        let transport = destination.transport
        ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if transport == .tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: destination.serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(StreamFramer()))
                    if logger.logLevel <= .trace {
                        try channel.pipeline.syncOperations.addHandler(SIPTraceHandler(stream: transport, logger: logger))
                    }
                    try channel.pipeline.syncOperations.addHandler(StreamHandler(transport: transport, endpoint: endpoint, logger: logger))
                }
            }
            .connect(host: destination.host, port: destination.port)
            .whenFailure { error in endpoint.connectionFailed(host: destination.host, port: destination.port, error: error) }
    }

    public var port: Int { udp.localAddress?.port ?? 0 }

    /// Sends a datagram from the SIP port: the requests Parley starts over UDP.
    public func send(_ bytes: [UInt8], host: String, port: Int) {
        let channel = udp
        guard let address = datagramAddress(host, port, on: channel) else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    public func close() async {
        try? await udp.close()
        try? await tcp.close()
        try? await tls?.close()
    }
}

/// The address to send a datagram to from `channel`: on a socket bound to IPv6 (`::`, both
/// families) an IPv4 host is written as its IPv4-mapped IPv6 address.
private func datagramAddress(_ host: String, _ port: Int, on channel: any Channel) -> SocketAddress? {
    let mapped = channel.localAddress?.protocol == .inet6 && !host.contains(":")
    return try? SocketAddress(ipAddress: mapped ? "::ffff:" + host : host, port: port)
}

/// One datagram, one message.
private final class DatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let endpoint: SIPEndpoint

    init(endpoint: SIPEndpoint) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let remote = envelope.remoteAddress
        let channel = context.channel
        let source = SIPSource(
            transport: .udp, address: IPAddress.unmapped(remote.ipAddress ?? ""), port: remote.port ?? 0,
            send: { bytes, host, port in
                guard let address = datagramAddress(host, port, on: channel) else { return }
                let buffer = channel.allocator.buffer(bytes: bytes)
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
            })
        endpoint.receive(Array(buffer: envelope.data), from: source)
    }
}

/// Frames a TCP or TLS byte stream into SIP messages by their Content-Length; an oversized or
/// unframeable message closes the connection. A client's keep-alive ping between messages (a
/// double CRLF) is answered with a single CRLF pong (RFC 5626 §4.4.1), so its NAT binding and
/// its connection stay open for the calls Parley sends it. Against slow senders: a connection
/// must bring its first message within 30 s, each message must be whole within 30 s of its
/// first byte, and a connection silent for 15 minutes (no message, no keep-alive) is closed.
private struct StreamFramer: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    static let messageDeadline = TimeAmount.seconds(30)
    static let idleLimit = TimeAmount.minutes(15)

    /// CR and LF bytes seen in a row between messages.
    private var keepAliveBytes = 0
    /// Closes the connection unless the message begun (or the first one) is whole in time.
    private var messageTimer: Scheduled<Void>?
    /// Closes the connection after `idleLimit` without a byte.
    private var idleTimer: Scheduled<Void>?

    mutating func decoderAdded(context: ChannelHandlerContext) {
        messageTimer = Self.closing(context.channel, after: Self.messageDeadline)
        idleTimer = Self.closing(context.channel, after: Self.idleLimit)
    }

    mutating func decoderRemoved(context: ChannelHandlerContext) {
        messageTimer?.cancel()
        idleTimer?.cancel()
    }

    private static func closing(_ channel: any Channel, after delay: TimeAmount) -> Scheduled<Void> {
        channel.eventLoop.scheduleTask(in: delay) { channel.close(promise: nil) }
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        idleTimer?.cancel()
        idleTimer = Self.closing(context.channel, after: Self.idleLimit)
        let state = try frame(context: context, buffer: &buffer)
        // Bytes of a message not yet whole: it has `messageDeadline` to complete.
        if buffer.readableBytes > 0, messageTimer == nil {
            messageTimer = Self.closing(context.channel, after: Self.messageDeadline)
        }
        return state
    }

    private mutating func frame(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), byte == 13 || byte == 10 {
            buffer.moveReaderIndex(forwardBy: 1)
            keepAliveBytes += 1
            if keepAliveBytes == 4 {
                keepAliveBytes = 0
                context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: "\r\n")), promise: nil)
            }
        }
        guard buffer.readableBytes > 0 else { return .needMoreData }
        keepAliveBytes = 0
        let length = try buffer.withUnsafeReadableBytes { bytes in try SIPParser.messageLength(bytes) }
        guard let length, let message = buffer.readSlice(length: length) else { return .needMoreData }
        messageTimer?.cancel()
        messageTimer = nil
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }
}

private final class StreamHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let transport: SIPSource.Transport
    let endpoint: SIPEndpoint
    let logger: Logger

    init(transport: SIPSource.Transport, endpoint: SIPEndpoint, logger: Logger) {
        self.transport = transport
        self.endpoint = endpoint
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        guard let remote = channel.remoteAddress, let host = remote.ipAddress.map(IPAddress.unmapped), let port = remote.port else { return }
        endpoint.connectionOpened(host: host, port: port) { bytes in
            channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let remote = context.channel.remoteAddress, let host = remote.ipAddress.map(IPAddress.unmapped), let port = remote.port {
            endpoint.connectionClosed(host: host, port: port)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = context.channel
        let remote = channel.remoteAddress
        let source = SIPSource(
            transport: transport, address: IPAddress.unmapped(remote?.ipAddress ?? ""), port: remote?.port ?? 0,
            send: { bytes, _, _ in channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil) })
        endpoint.receive(Array(buffer: unwrapInboundIn(data)), from: source)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("closing a SIP stream connection", metadata: ["transport": "\(transport.rawValue)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
