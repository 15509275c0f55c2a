import Speech
import Synchronization

/// What every leg running RCML shares: the web requests, the audio of Play, the voice of Say,
/// where recordings go, the conference rooms and the call queues. One per server.
public struct RCMLRuntime: Sendable {
    let fetcher: RCMLFetcher
    let audio: AudioCache
    /// Nil when espeak-ng could not start: Say then fails with a Notification.
    let speech: SpeechSynthesizer?
    /// Nil when pocketsphinx's model is not installed: Gather then takes keys only.
    let recognizer: SpeechRecognizer?
    let recordings: RecordingLibrary
    let conferences: Conferences
    let queues: Queues
    /// Each account's limits: how many legs, how fast, how long a Say.
    let admission: CallAdmission
    /// Where `<Sms>` sends; nil when this Parley sends no SMS.
    let textMessages: (any TextMessageSending)?
    /// Where `<Email>` sends; nil when this Parley sends no e-mail.
    let emails: (any EmailSending)?
    /// Places Dial's calls. `OutboundCalls` needs this runtime to run the RCML of its own
    /// calls, so it plugs itself in here once built.
    let dialer = Dialer()

    public init(
        fetcher: RCMLFetcher, audio: AudioCache, speech: SpeechSynthesizer?, recognizer: SpeechRecognizer?, recordings: RecordingLibrary,
        conferences: Conferences, queues: Queues, admission: CallAdmission, textMessages: (any TextMessageSending)? = nil,
        emails: (any EmailSending)? = nil
    ) {
        self.textMessages = textMessages
        self.emails = emails
        self.admission = admission
        self.recognizer = recognizer
        self.conferences = conferences
        self.queues = queues
        self.fetcher = fetcher
        self.audio = audio
        self.speech = speech
        self.recordings = recordings
    }
}

/// The late-bound link from the interpreter to `OutboundCalls` (weak: the server owns both).
final class Dialer: Sendable {
    private let outbound = Mutex<WeakOutboundCalls>(WeakOutboundCalls())

    var calls: OutboundCalls? { outbound.withLock { $0.value } }

    func connect(_ calls: OutboundCalls) {
        outbound.withLock { $0.value = calls }
    }

    private struct WeakOutboundCalls: ~Copyable {
        weak var value: OutboundCalls?
    }
}
