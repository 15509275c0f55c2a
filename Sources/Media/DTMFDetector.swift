import Foundation

/// In-band DTMF detection on 8 kHz audio of any codec (ITU-T Q.24 as restated in
/// dtmf-requirements.md): Goertzel filters over windows of 102 samples (12.75 ms), one every
/// 51 samples, for the eight Q.23 frequencies. A window holds a key when its strongest low and high tones are
/// loud enough, within the twist limits, well above the other tones of their group, most of
/// the block's energy, nearer their nominal frequency than 5% off (probe filters either
/// side), and without a strong second harmonic of the high tone (speech). A key is reported
/// once four windows of one run hold it at full strength (at least half the run's strongest
/// window's energy, so at least 71% covered by the tone): a 40 ms tone always fills four, a
/// 23 ms one never more than three. It is reported once only until two windows without it
/// have passed.
public struct DTMFDetector {
    static let blockSize = 102
    static let lows: [Double] = [697, 770, 852, 941]
    static let highs: [Double] = [1209, 1336, 1477, 1633]
    static let keys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"], ["7", "8", "9", "C"], ["*", "0", "#", "D"]]

    /// Goertzel coefficients: the 8 tones, each tone 5% below and above, and each tone's
    /// second harmonic.
    private static let tones: [Double] = lows + highs
    private static let toneCoefficients = SIMD8<Float>(tones.map(coefficient))
    private static let below: [Float] = tones.map { coefficient($0 * 0.95) }
    private static let above: [Float] = tones.map { coefficient($0 * 1.05) }
    private static let harmonics: [Float] = tones.map { coefficient($0 * 2) }

    private static func coefficient(_ frequency: Double) -> Float {
        Float(2 * cos(2 * Double.pi * frequency / 8000))
    }

    /// Per tone, the least energy of a tone at about −31 dBm0 (half-way between the −26 dBm0
    /// that must be detected and the −36 that must not), as Goertzel |X|² over one block.
    static let minimumEnergy: Float = {
        let amplitude = 32767 * pow(10, (-31 - 3.14) / 20)
        return Float(amplitude * Double(blockSize) / 2 * amplitude * Double(blockSize) / 2)
    }()
    /// High tone up to 8 dB below the low one (normal twist), up to 4 dB above (reverse),
    /// with a margin of 2 dB before rejecting (one window's estimate wavers by about 1 dB).
    static let normalTwist: Float = pow(10, -10 / 10)
    static let reverseTwist: Float = pow(10, 6 / 10)

    static let hop = blockSize / 2
    static let windowsToReport = 4

    private var block = [Float](repeating: 0, count: blockSize)
    private var filled = 0
    private var current: Character?
    /// The tone energies of the current run's windows (the last few), to count the strong ones.
    private var run = [Float](repeating: 0, count: 8)
    private var runLength = 0
    private var reported: Character?
    private var misses = 0

    public init() {}

    /// Feeds samples; `onKey` is called once per key press detected.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, onKey: (Character) -> Void) {
        for sample in samples {
            block[filled] = Float(sample)
            filled += 1
            if filled == Self.blockSize {
                finishWindow(onKey)
                // The window slides by half: its second half becomes the next one's first.
                block.withUnsafeMutableBufferPointer { window in
                    for index in 0..<Self.hop { window[index] = window[index + Self.hop] }
                }
                filled = Self.hop
            }
        }
    }

    public mutating func process(_ samples: [Int16], onKey: (Character) -> Void) {
        samples.withUnsafeBufferPointer { process($0, onKey: onKey) }
    }

    private mutating func finishWindow(_ onKey: (Character) -> Void) {
        guard case .key(let key, let energy) = block.withUnsafeBufferPointer(Self.verdict) else {
            current = nil
            runLength = 0
            misses += 1
            if misses >= 2 { reported = nil }
            return
        }
        misses = 0
        if key != current { runLength = 0 }
        current = key
        run[runLength % run.count] = energy
        runLength += 1
        guard reported != key else { return }
        let kept = min(runLength, run.count)
        var strongest: Float = 0
        for index in 0..<kept { strongest = max(strongest, run[index]) }
        var strong = 0
        for index in 0..<kept where run[index] >= strongest / 2 { strong += 1 }
        if strong >= Self.windowsToReport {
            reported = key
            onKey(key)
        }
    }

    /// What one block holds: a key, or the first check it failed.
    enum Verdict: Equatable {
        /// The key, and the energy of its two tones.
        case key(Character, energy: Float)
        case quiet, twist, group, share, frequency, harmonic
    }

    static func verdict(_ samples: UnsafeBufferPointer<Float>) -> Verdict {
        // The eight tone filters run side by side in one pass (one SIMD lane each).
        let energies = goertzel(samples, coefficients: toneCoefficients)
        var row = 0
        var column = 4
        for index in 1..<4 where energies[index] > energies[row] { row = index }
        for index in 5..<8 where energies[index] > energies[column] { column = index }
        let low = energies[row]
        let high = energies[column]
        guard low >= minimumEnergy, high >= minimumEnergy else { return .quiet }
        guard high >= low * normalTwist, high <= low * reverseTwist else { return .twist }
        // Each tone stands 6 dB above the others of its group.
        for index in 0..<4 where index != row && energies[index] * 4 > low { return .group }
        for index in 4..<8 where index != column && energies[index] * 4 > high { return .group }
        // The two tones carry most of the block's energy (speech and music spread theirs).
        var total: Float = 0
        for sample in samples { total += sample * sample }
        guard (low + high) * 2 / Float(blockSize) >= 0.5 * total else { return .share }
        // Nearer the nominal frequency than 5% off, either side: off-frequency tones fail. And a
        // voice's harmonics: a DTMF tone has no strong second harmonic (checked on the high
        // tone: a low tone's second harmonic lies within a window's resolution of a high tone).
        let probes = goertzel(
            samples,
            coefficients: SIMD8(below[row], above[row], below[column], above[column], harmonics[column], 0, 0, 0))
        guard probes[0] < low, probes[1] < low, probes[2] < high, probes[3] < high else { return .frequency }
        guard probes[4] * 10 < high else { return .harmonic }
        return .key(keys[row][column - 4], energy: low + high)
    }

    /// Eight Goertzel filters over the same samples at once: |X|² at each coefficient's frequency.
    private static func goertzel(_ samples: UnsafeBufferPointer<Float>, coefficients: SIMD8<Float>) -> SIMD8<Float> {
        var previous = SIMD8<Float>(repeating: 0)
        var beforePrevious = SIMD8<Float>(repeating: 0)
        for sample in samples {
            let current = SIMD8(repeating: sample) + coefficients * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        return previous * previous + beforePrevious * beforePrevious - coefficients * previous * beforePrevious
    }
}
