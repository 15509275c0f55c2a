import CSpeexDSP

/// Sample-rate conversion of 16-bit mono audio through speexdsp's resampler (quality 5, its
/// default for voice): speech synthesised at 22,050 Hz, WAV prompts at 16 or 48 kHz, to the
/// 8 kHz of G.711.
public enum Resampler {
    public static func convert(_ samples: [Int16], from inputRate: Int, to outputRate: Int) -> [Int16] {
        guard inputRate != outputRate, !samples.isEmpty else { return samples }
        var error: Int32 = 0
        guard let state = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), 5, &error) else { return [] }
        defer { speex_resampler_destroy(state) }
        var output = [Int16](repeating: 0, count: samples.count * outputRate / inputRate + 64)
        var consumed = UInt32(samples.count)
        var produced = UInt32(output.count)
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                _ = speex_resampler_process_int(state, 0, input.baseAddress, &consumed, out.baseAddress, &produced)
            }
        }
        return Array(output.prefix(Int(produced)))
    }
}
