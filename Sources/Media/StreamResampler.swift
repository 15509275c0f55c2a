import CSpeexDSP

/// A running sample-rate conversion through speexdsp's resampler (quality 5), keeping its
/// filter state from one frame to the next so a stream converted in 20 ms pieces has no seam
/// at each piece. Used on one loop only; nothing is allocated per frame (`convert` writes into
/// an output buffer made once, for input pieces up to `capacity` samples).
final class StreamResampler {
    private let state: OpaquePointer
    let inputRate: Int
    let outputRate: Int
    private let output: UnsafeMutableBufferPointer<Int16>

    init?(from inputRate: Int, to outputRate: Int, capacity: Int = 1920) {
        var error: Int32 = 0
        guard let state = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), 5, &error) else { return nil }
        self.state = state
        self.inputRate = inputRate
        self.outputRate = outputRate
        output = .allocate(capacity: capacity * outputRate / inputRate + 64)
        output.initialize(repeating: 0)
    }

    deinit {
        speex_resampler_destroy(state)
        output.deallocate()
    }

    /// `input` converted, in the resampler's own buffer (valid until the next call).
    func convert(_ input: UnsafeBufferPointer<Int16>) -> UnsafeBufferPointer<Int16> {
        UnsafeBufferPointer(rebasing: output[0..<process(input, into: output)])
    }

    /// Converts `input` into `output`; how many samples it wrote (about input × out/in).
    func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let source = input.baseAddress, let destination = output.baseAddress else { return 0 }
        var consumed = UInt32(input.count)
        var produced = UInt32(output.count)
        speex_resampler_process_int(state, 0, source, &consumed, destination, &produced)
        return Int(produced)
    }

    /// Converts one 20 ms frame into exactly one 20 ms frame at the output rate: the filter's
    /// start-up shortfall is padded with the last sample, so frame counts stay in step.
    func convertFrame(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) {
        let wanted = output.count
        let produced = process(input, into: output)
        if produced < wanted {
            let last = produced > 0 ? output[produced - 1] : 0
            for index in produced..<wanted { output[index] = last }
        }
    }
}
