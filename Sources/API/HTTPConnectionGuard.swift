import Addressing
import NIOCore
import NIOHTTPTypes

/// Keeps slow and idle HTTP clients from holding Parley's sockets: a connection counts against
/// the `ConnectionQuota` of its source (closed at once past it); the first request's head must
/// arrive within 10 s, each request's body within 60 s of its head, and the next request's head
/// within 30 s of the last response (keep-alive). A client sending a byte now and then
/// (slowloris) is cut at the deadline; others are served meanwhile.
final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let firstHead = TimeAmount.seconds(10)
    static let body = TimeAmount.seconds(60)
    static let nextHead = TimeAmount.seconds(30)

    private let quota: ConnectionQuota
    private var source: String?
    private var started = false
    private var deadline: Scheduled<Void>?

    init(quota: ConnectionQuota) {
        self.quota = quota
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        if let source { quota.release(source) }
        source = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, Self.body)
        case .body: break
        case .end: disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context, Self.nextHead) }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard let address = context.channel.remoteAddress?.ipAddress, quota.admit(address) else {
            context.close(promise: nil)
            return
        }
        source = address
        arm(context, Self.firstHead)
    }

    private func arm(_ context: ChannelHandlerContext, _ delay: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: delay) { channel.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
