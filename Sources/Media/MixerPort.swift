import Synchronization

/// One participant's connection to a conference mixer, shared by the participant's RTP
/// session (on its event loop) and the mixer (on its own): what the participant says goes in,
/// the mix of everybody else comes out (with the room's shared encoding in the participant's
/// codec when the participant is silent). Each direction is a queue behind its own lock,
/// held for one copy of at most a packet.
public final class MixerPort: Sendable {
    let incoming = Mutex(SampleFIFO(capacity: 320 * 8))
    /// The rate of the participant's audio on both sides of the port: 16 kHz for a wideband
    /// (Opus) session, else 8 kHz. Set by the session; the mixer converts to and from its own.
    public let rate = Atomic<Int>(8000)
    let outgoing = Mutex(MixFrameQueue())
    /// The codec of the participant's far end, set by its session: the mixer then gives it,
    /// while it is silent, the room's one encoding of the mix in that codec.
    public let sharedEncoding = Atomic<SharedEncoding>(.none)
    private let mutedFlag = Atomic<Bool>(false)
    /// Set for a coach (Twilio's `coach`): only this participant hears them; they hear everyone.
    public let coaching: MixerPort?

    public init(muted: Bool = false, coaching: MixerPort? = nil) {
        self.coaching = coaching
        mutedFlag.store(muted, ordering: .relaxed)
    }

    /// What the participant said (the session's side; public for the benchmarks).
    public func hear(_ samples: UnsafeBufferPointer<Int16>) {
        incoming.withLock { $0.push(samples) }
    }

    /// The next 20 ms of the mix for the participant, if there is one (the session's side).
    public func nextMix(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        outgoing.withLock { $0.pop(into: frame, encoded: UnsafeMutableRawBufferPointer(start: nil, count: 0)) } != nil
    }

    /// The next 20 ms of the mix and, when the room encoded it once for all its silent
    /// listeners of this codec, that payload in `encoded`: its length (0: none), nil when
    /// nothing is queued.
    public func nextMix(into frame: UnsafeMutableBufferPointer<Int16>, encoded: UnsafeMutableRawBufferPointer) -> Int? {
        outgoing.withLock { $0.pop(into: frame, encoded: encoded) }
    }

    /// A muted participant still hears the room; the room does not hear them.
    public var muted: Bool {
        get { mutedFlag.load(ordering: .relaxed) }
        set { mutedFlag.store(newValue, ordering: .relaxed) }
    }
}

/// The codecs in which a room encodes its silent mix once for everyone who takes it.
public enum SharedEncoding: UInt8, AtomicRepresentable, Sendable, CaseIterable {
    case none, pcmu, pcma, opus
}
