import NIOCore
import Synchronization

/// A leg's handle on its RTP session: commands go to the session's event loop, events come
/// back as an AsyncStream. Closing it stops the clock for it, closes the socket and returns
/// the port.
public final class MediaSession: Sendable {
    public let port: Int
    public let events: AsyncStream<MediaEvent>
    private let core: NIOLoopBound<SessionCore>
    private let ticker: NIOLoopBound<LoopTicker>
    let loop: MediaLoop
    private let ports: RTPPortPool
    private let continuation: AsyncStream<MediaEvent>.Continuation
    /// The session's audio rate (16 kHz once it speaks Opus): what `play` is given at another
    /// rate is converted to it here, off the media loop.
    private let rate = Atomic<Int>(8000)
    private let closed = Atomic<Bool>(false)

    init(
        port: Int, core: NIOLoopBound<SessionCore>, ticker: NIOLoopBound<LoopTicker>, loop: MediaLoop, ports: RTPPortPool,
        events: AsyncStream<MediaEvent>, continuation: AsyncStream<MediaEvent>.Continuation
    ) {
        self.port = port
        self.core = core
        self.ticker = ticker
        self.loop = loop
        self.ports = ports
        self.events = events
        self.continuation = continuation
    }

    /// Starts or changes the media (a re-INVITE's hold or new address).
    public func start(_ parameters: MediaParameters) {
        rate.store(parameters.codec == .opus ? SessionCore.widebandRate : 8000, ordering: .relaxed)
        loop.execute { [core] in core.value.start(parameters) }
    }

    /// The rate the session's audio runs at now: 8 kHz, or 16 kHz for Opus. Audio made for
    /// it (speech synthesised at this rate) keeps its whole band.
    public var sampleRate: Int { rate.load(ordering: .relaxed) }

    /// Plays mono samples at `sampleRate` Hz `loops` times (0: until stopped);
    /// `.playbackFinished` at the end.
    public func play(_ samples: [Int16], sampleRate: Int = 8000, loops: Int = 1) {
        let rate = rate.load(ordering: .relaxed)
        let audio = rate == sampleRate ? samples : Resampler.convert(samples, from: sampleRate, to: rate)
        loop.execute { [core] in core.value.play(audio, loops: loops) }
    }

    public func stopPlayback() {
        loop.execute { [core] in core.value.stopPlayback() }
    }

    /// Records what the far end sends, as 8 kHz 16-bit WAV at `path`, from the moment this
    /// returns. With `silenceTimeout`, `.silence` is reported once the far end has been quiet
    /// that long.
    public func record(to path: String, silenceTimeout: Duration? = nil) async throws {
        let file = try RecordingFile(path: path)
        let limit = silenceTimeout.map { TimeAmount.nanoseconds(Int64($0.components.seconds) * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000) }
        try await loop.submit { [core] in core.value.record(file, silenceTimeout: limit) }.get()
    }

    /// Ends the recording; the file is complete when this returns. Gives its duration in
    /// seconds (nil when nothing was being recorded).
    public func stopRecording() async -> Double? {
        let file = try? await loop.submit { [core] in core.value.stopRecording() }.get()
        guard let file else { return nil }
        return await file.finish()
    }

    /// The rate of the frames handed to a speech engine (what speech models are trained at).
    public static let speechSampleRate = 16000

    /// Hands the caller's next utterance to a speech engine: frames of the far end's audio at
    /// `speechSampleRate`, from just before the caller starts speaking (`.speechStarted` is
    /// reported then) until `endSilence` of quiet follows or `maxLength` has passed; the
    /// stream then ends. Nothing is handed over while the caller says nothing.
    public func listenForSpeech(endSilence: Duration, maxLength: Duration) -> AsyncStream<[Int16]> {
        let (frames, continuation) = AsyncStream<[Int16]>.makeStream(bufferingPolicy: .bufferingNewest(3000))
        let (silence, length) = (Self.milliseconds(endSilence), Self.milliseconds(maxLength))
        loop.execute { [core] in core.value.listenForSpeech(continuation, endSilenceMilliseconds: silence, maxLengthMilliseconds: length) }
        return frames
    }

    /// Ends the utterance's stream now (a key was pressed instead, the Gather timed out).
    public func stopListening() {
        loop.execute { [core] in core.value.stopListening() }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Connects this session's far end with `other`'s, both ways, until `unbridge`. Both
    /// sessions must live on one event loop (open the second `near` the first).
    public func bridge(with other: MediaSession) async throws {
        guard other.loop === loop else { throw BridgeError.differentLoops }
        try await loop.submit { [core, other = other.core] in
            core.value.peer = other.value
            other.value.peer = core.value
        }.get()
    }

    /// Ends a bridge: each session's clock sends its own audio again.
    public func unbridge() async {
        try? await loop.submit { [core] in
            core.value.peer?.peer = nil
            core.value.peer = nil
        }.get()
    }

    /// The session's loss, jitter and round-trip figures so far.
    public func quality() async -> MediaQuality {
        (try? await loop.submit { [core] in core.value.quality }.get()) ?? MediaQuality()
    }

    /// Joins a conference: the far end's audio goes to `port`, the mix comes back from it.
    public func join(_ port: MixerPort) {
        loop.execute { [core] in core.value.mixerPort = port }
    }

    /// Leaves the conference: silence (or what plays) again.
    public func leaveConference() {
        loop.execute { [core] in core.value.mixerPort = nil }
    }

    public enum BridgeError: Error {
        case differentLoops
    }

    /// Closes the session once; later calls return at once.
    public func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        let closing = try? await loop.submit { [core, ticker, loop] in
            let session = core.value
            ticker.value.retire(session)
            session.peer?.peer = nil
            session.peer = nil
            session.stopListening()
            for socket in [session.socket] + (session.rtcpSocket.map { [$0] } ?? []) {
                loop.deregister(socket.descriptor)
                socket.close()
            }
            return session.stopRecording()
        }.get()
        // A recording still running is complete on disk before the session is gone.
        _ = await closing?.finish()
        ports.give(port)
        continuation.finish()
    }
}
