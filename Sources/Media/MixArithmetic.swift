/// The conference mixer's arithmetic on one frame, apart from taking frames in and handing
/// mixes out, so the benchmarks can hold it against the same loops written in plain C.
public enum MixArithmetic {
    /// The sum of a frame's absolute sample values (the line-noise gate's measure).
    public static func level(_ frame: UnsafeBufferPointer<Int16>) -> Int {
        var level = 0
        for sample in frame { level &+= abs(Int(sample)) }
        return level
    }

    /// Adds a frame into the room's running sum.
    public static func add(_ frame: UnsafeBufferPointer<Int16>, to total: UnsafeMutableBufferPointer<Int32>) {
        for index in 0..<min(frame.count, total.count) { total[index] &+= Int32(frame[index]) }
    }

    /// What one participant hears: the sum less its own frame (none for a silent one),
    /// saturated to 16 bits.
    public static func mix(_ total: UnsafeBufferPointer<Int32>, minus own: UnsafeBufferPointer<Int16>?, into mix: UnsafeMutableBufferPointer<Int16>) {
        let count = min(total.count, mix.count)
        if let own {
            for index in 0..<min(count, own.count) { mix[index] = Int16(clamping: total[index] &- Int32(own[index])) }
        } else {
            for index in 0..<count { mix[index] = Int16(clamping: total[index]) }
        }
    }
}
