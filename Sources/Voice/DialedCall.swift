import Media
import Store

/// One target of a Dial as the dialling leg sees it: a child call ringing with its own record
/// (`outbound-dial`, its parent's CallSid), its media on the dialling leg's event loop, and
/// its answer and end as events.
struct DialedCall: Sendable {
    enum Event: Sendable {
        case answered
        /// The child's final record.
        case ended(CallRecord)
    }

    let sid: CallSid
    let leg: OutboundCallLeg
    let session: MediaSession
    let events: AsyncStream<Event>
}
