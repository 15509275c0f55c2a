import Speech

/// What every leg running RCML shares: the web requests, the audio of Play, the voice of Say
/// and where recordings go. One per server.
public struct RCMLRuntime: Sendable {
    let fetcher: RCMLFetcher
    let audio: AudioCache
    /// Nil when espeak-ng could not start: Say then fails with a Notification.
    let speech: SpeechSynthesizer?
    let recordings: RecordingLibrary

    public init(fetcher: RCMLFetcher, audio: AudioCache, speech: SpeechSynthesizer?, recordings: RecordingLibrary) {
        self.fetcher = fetcher
        self.audio = audio
        self.speech = speech
        self.recordings = recordings
    }
}
