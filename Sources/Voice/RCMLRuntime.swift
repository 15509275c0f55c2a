import Speech

/// What every leg running RCML shares: the web requests, the audio of Play and the voice of
/// Say. One per server.
public struct RCMLRuntime: Sendable {
    let fetcher: RCMLFetcher
    let audio: AudioCache
    /// Nil when espeak-ng could not start: Say then fails with a Notification.
    let speech: SpeechSynthesizer?

    public init(fetcher: RCMLFetcher, audio: AudioCache, speech: SpeechSynthesizer?) {
        self.fetcher = fetcher
        self.audio = audio
        self.speech = speech
    }
}
