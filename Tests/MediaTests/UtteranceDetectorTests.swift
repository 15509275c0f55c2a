import Testing

@testable import Media

@Suite("Utterance end-pointing")
struct UtteranceDetectorTests {
    /// 20 ms at 16 kHz: a tone at `amplitude` (0: silence).
    func frame(_ amplitude: Int16) -> [Int16] {
        (0..<320).map { $0 % 2 == 0 ? amplitude : -amplitude }
    }

    func hear(_ detector: inout UtteranceDetector, _ frame: [Int16]) -> UtteranceDetector.Step {
        frame.withUnsafeBufferPointer { detector.hear($0) }
    }

    @Test("quiet and line noise start nothing; 60 ms of voice start the utterance with 300 ms of lead-in; the end silence ends it")
    func endpoints() {
        var detector = UtteranceDetector(rate: 16000, endSilenceMilliseconds: 1000, maxLengthMilliseconds: 60_000)
        for _ in 0..<50 { #expect(hear(&detector, frame(0)) == .waiting) }
        for _ in 0..<50 { #expect(hear(&detector, frame(100)) == .waiting) }  // below the line-noise level
        #expect(hear(&detector, frame(3000)) == .waiting)
        #expect(hear(&detector, frame(0)) == .waiting)  // a click is not voice
        #expect(hear(&detector, frame(3000)) == .waiting)
        #expect(hear(&detector, frame(3000)) == .waiting)
        guard case .started(let leadIn) = hear(&detector, frame(3000)) else {
            Issue.record("60 ms of voice did not start the utterance")
            return
        }
        #expect(leadIn.count == 4800)
        #expect(Array(leadIn.suffix(960)) == frame(3000) + frame(3000) + frame(3000))
        for _ in 0..<49 { #expect(hear(&detector, frame(0)) == .speaking) }  // a pause within speech
        #expect(hear(&detector, frame(2000)) == .speaking)
        for _ in 0..<49 { #expect(hear(&detector, frame(0)) == .speaking) }
        #expect(hear(&detector, frame(0)) == .ended)
        #expect(hear(&detector, frame(3000)) == .ended)
    }

    @Test("an utterance longer than the longest allowed ends there")
    func maxLength() {
        var detector = UtteranceDetector(rate: 16000, endSilenceMilliseconds: 1000, maxLengthMilliseconds: 2000)
        var steps: [UtteranceDetector.Step] = []
        for _ in 0..<200 { steps.append(hear(&detector, frame(3000))) }
        let end = steps.firstIndex(of: .ended)
        // Started on the third frame with 60 ms of lead-in: 2 s are reached 97 frames later.
        #expect(end == 99)
    }
}
