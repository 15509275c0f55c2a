import NIOCore

/// The mixer of one conference room, on one media event loop with a 20 ms clock of its own:
/// each tick it takes a frame from every participant (nothing from one that sent none or is
/// muted), sums them once, and gives each participant the sum minus their own frame,
/// saturated to 16 bits (O(N) for N participants). Announcements (the entry beep) are added
/// for everyone. Participants join and leave between ticks, so nobody else's audio skips.
/// The room's recording is the full sum (everyone, announcements included), saturated. A
/// coach's frame stays out of the sum and is added to the mix of the one participant coached.
/// Everyone silent (sending nothing, muted, or below line-noise level) hears the same mix, the
/// whole sum: for those who speak Opus it is encoded once per tick, by the room, rather than
/// once per listener.
public final class ConferenceMixer: Sendable {
    private let loop: any EventLoop
    private let state: NIOLoopBound<MixerState>
    private let clock: NIOLoopBound<MediaClock>

    init(loop: any EventLoop) async throws {
        self.loop = loop
        (state, clock) = try await loop.submit {
            let mixer = MixerState()
            let clock = MediaClock(loop: loop) { _ in mixer.tick() }
            return (NIOLoopBound(mixer, eventLoop: loop), NIOLoopBound(clock, eventLoop: loop))
        }.get()
    }

    /// Adds a participant; one already in stays in once (a room's start connects everyone,
    /// including those who joined while it was starting).
    public func add(_ port: MixerPort) {
        loop.execute { [state] in
            guard !state.value.ports.contains(where: { $0 === port }) else { return }
            state.value.ports.append(port)
        }
    }

    public func remove(_ port: MixerPort) {
        loop.execute { [state] in state.value.ports.removeAll { $0 === port } }
    }

    /// Plays 8 kHz samples once to every participant, over the conversation.
    public func announce(_ samples: [Int16]) {
        loop.execute { [state] in state.value.announcement = (samples, 0) }
    }

    /// Records the mix as 8 kHz WAV at `path` from the next tick until `stopRecording`.
    public func record(to path: String) async throws {
        let file = try RecordingFile(path: path)
        try await loop.submit { [state] in state.value.recording = (file, []) }.get()
    }

    /// Ends the recording; the file is complete when this returns. Gives its duration in
    /// seconds (nil when nothing was being recorded).
    public func stopRecording() async -> Double? {
        let file = try? await loop.submit { [state] in state.value.stopRecording() }.get()
        guard let file else { return nil }
        return await file.finish()
    }

    /// Stops the clock; the mixer does nothing more.
    public func stop() {
        loop.execute { [clock] in clock.value.stop() }
    }
}
