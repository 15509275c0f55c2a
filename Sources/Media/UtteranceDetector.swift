/// End-points a caller's speech for a speech engine, on the session's loop: audio before any
/// voice is kept only as a short lead-in; voice (60 ms in a row above line-noise level) starts
/// the utterance, which goes on until `endSilence` of quiet follows it or it has lasted
/// `maxLength`. Counts in samples of the audio it is given, whatever its chunks' sizes.
struct UtteranceDetector {
    enum Step: Equatable {
        /// No voice yet: nothing to hand over.
        case waiting
        /// Voice has just begun: hand over the lead-in and this chunk.
        case started([Int16])
        /// Within the utterance: hand over this chunk.
        case speaking
        /// The utterance is over (this chunk is its last).
        case ended
    }

    private let rate: Int
    private let endSilence: Int
    private let maxLength: Int
    private static let leadInMilliseconds = 300
    private static let voiceMilliseconds = 60
    /// The last `leadInMilliseconds` before the voice, oldest first.
    private var leadIn: [Int16] = []
    private var voicedInRow = 0
    private var quietInRow = 0
    private var length = 0
    private var inUtterance = false
    private var over = false

    init(rate: Int, endSilenceMilliseconds: Int, maxLengthMilliseconds: Int) {
        self.rate = rate
        endSilence = rate * endSilenceMilliseconds / 1000
        maxLength = rate * maxLengthMilliseconds / 1000
    }

    mutating func hear(_ chunk: UnsafeBufferPointer<Int16>) -> Step {
        guard !over, !chunk.isEmpty else { return over ? .ended : (inUtterance ? .speaking : .waiting) }
        let voiced = SessionCore.isVoice(chunk)
        guard inUtterance else {
            leadIn.append(contentsOf: chunk)
            let keep = rate * Self.leadInMilliseconds / 1000
            if leadIn.count > keep { leadIn.removeFirst(leadIn.count - keep) }
            voicedInRow = voiced ? voicedInRow + chunk.count : 0
            guard voicedInRow >= rate * Self.voiceMilliseconds / 1000 else { return .waiting }
            inUtterance = true
            length = leadIn.count
            defer { leadIn = [] }
            return .started(leadIn)
        }
        length += chunk.count
        quietInRow = voiced ? 0 : quietInRow + chunk.count
        if quietInRow >= endSilence || length >= maxLength {
            over = true
            return .ended
        }
        return .speaking
    }
}
