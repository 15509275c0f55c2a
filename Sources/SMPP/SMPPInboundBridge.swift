import NIOCore

/// Hands the frames of one connection to the client's read loop as an `AsyncStream`, and
/// ends the stream when the connection closes or fails (a bad frame closes it).
final class SMPPInboundBridge: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let frames: AsyncStream<ByteBuffer>
    private let continuation: AsyncStream<ByteBuffer>.Continuation

    init() {
        (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish()
        context.close(promise: nil)
    }
}
