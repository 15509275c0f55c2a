import Media

/// Keys and playback ends on their way to the running verb: kept while no verb waits, handed
/// over at once to the one that does.
struct LegInbox {
    var mailbox: [MediaEvent] = []
    var waiter: (id: Int, continuation: CheckedContinuation<MediaEvent?, Never>)?
    var waiterCount = 0
    /// While a Dial is connected or ringing, keys go to it instead.
    var dialKeys: AsyncStream<DialSignal>.Continuation?
}
