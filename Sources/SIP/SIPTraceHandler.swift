import Logging
import NIOCore

/// Logs every SIP message in and out of a channel, whole, at trace level. It is put in a
/// pipeline only when the log level is trace, so it costs nothing otherwise. On a stream it
/// sits after the framer (one message per read); on UDP one datagram is one message.
final class SIPTraceHandler<Message: Sendable>: ChannelDuplexHandler, Sendable {
    typealias InboundIn = Message
    typealias InboundOut = Message
    typealias OutboundIn = Message
    typealias OutboundOut = Message

    private let logger: Logger
    private let transport: SIPSource.Transport
    /// The peer and the bytes of a message, given the channel's remote address.
    private let parts: @Sendable (Message, SocketAddress?) -> (peer: SocketAddress?, bytes: ByteBuffer)

    init(transport: SIPSource.Transport, logger: Logger, parts: @escaping @Sendable (Message, SocketAddress?) -> (peer: SocketAddress?, bytes: ByteBuffer)) {
        self.transport = transport
        self.logger = logger
        self.parts = parts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        trace("SIP received", unwrapInboundIn(data), context: context)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        trace("SIP sent", unwrapOutboundIn(data), context: context)
        context.write(data, promise: promise)
    }

    private func trace(_ what: Logger.Message, _ message: Message, context: ChannelHandlerContext) {
        let (peer, bytes) = parts(message, context.channel.remoteAddress)
        logger.trace(
            what,
            metadata: [
                "transport": "\(transport.rawValue)", "peer": "\(peer?.description ?? "?")",
                "message": "\(String(buffer: bytes))",
            ])
    }
}

extension SIPTraceHandler where Message == AddressedEnvelope<ByteBuffer> {
    /// For the UDP socket: each datagram names its peer.
    convenience init(datagramsTo logger: Logger) {
        self.init(transport: .udp, logger: logger) { envelope, _ in (envelope.remoteAddress, envelope.data) }
    }
}

extension SIPTraceHandler where Message == ByteBuffer {
    /// For a TCP or TLS connection: the peer is the connection's.
    convenience init(stream transport: SIPSource.Transport, logger: Logger) {
        self.init(transport: transport, logger: logger) { bytes, peer in (peer, bytes) }
    }
}
