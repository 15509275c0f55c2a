/// ITU-T G.711 μ-law and A-law, as tables: decoding is one lookup per sample, encoding one
/// lookup in a 64 Ki-entry table per codec (built once), so transcoding needs no branches.
public enum G711 {
    /// μ-law byte → 16-bit linear sample.
    public static let ulawToLinear: [Int16] = (0...255).map { ulawDecode(UInt8($0)) }
    /// A-law byte → 16-bit linear sample.
    public static let alawToLinear: [Int16] = (0...255).map { alawDecode(UInt8($0)) }
    /// 16-bit linear sample (as its bit pattern, `UInt16(bitPattern:)`) → μ-law byte.
    public static let linearToULaw: [UInt8] = (0...65535).map { ulawEncode(Int16(bitPattern: UInt16($0))) }
    /// 16-bit linear sample (as its bit pattern) → A-law byte.
    public static let linearToALaw: [UInt8] = (0...65535).map { alawEncode(Int16(bitPattern: UInt16($0))) }

    /// Direct μ-law ↔ A-law byte maps, for bridging legs that chose different laws.
    public static let ulawToALaw: [UInt8] = ulawToLinear.map(encodeALaw)
    public static let alawToULaw: [UInt8] = alawToLinear.map(encodeULaw)

    /// Decodes as many bytes of `law` (μ-law for `.pcmu`, else A-law) as `samples` holds;
    /// how many it decoded.
    static func decode(_ bytes: UnsafeRawBufferPointer, law: MediaCodec, into samples: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(bytes.count, samples.count)
        (law == .pcmu ? ulawToLinear : alawToLinear).withUnsafeBufferPointer { table in
            for index in 0..<count { samples[index] = table[Int(bytes[index])] }
        }
        return count
    }

    @inlinable
    public static func encodeULaw(_ sample: Int16) -> UInt8 { linearToULaw[Int(UInt16(bitPattern: sample))] }

    @inlinable
    public static func encodeALaw(_ sample: Int16) -> UInt8 { linearToALaw[Int(UInt16(bitPattern: sample))] }

    /// The segment (exponent) of a magnitude: the first end it does not exceed.
    private static func segment(_ value: Int, ends: [Int]) -> Int {
        ends.firstIndex { value <= $0 } ?? ends.count
    }

    private static let ulawSegmentEnds = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
    private static let alawSegmentEnds = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]

    static func ulawEncode(_ sample: Int16) -> UInt8 {
        var value = Int(sample) >> 2  // 14-bit
        let mask: Int
        if value < 0 {
            value = -value
            mask = 0x7F
        } else {
            mask = 0xFF
        }
        value = min(value, 8159) + (0x84 >> 2)
        let segment = segment(value, ends: ulawSegmentEnds)
        guard segment < 8 else { return UInt8(0x7F ^ mask) }
        return UInt8(((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask)
    }

    static func ulawDecode(_ byte: UInt8) -> Int16 {
        let value = Int(~byte)
        var magnitude = ((value & 0x0F) << 3) + 0x84
        magnitude <<= (value & 0x70) >> 4
        return Int16(value & 0x80 != 0 ? 0x84 - magnitude : magnitude - 0x84)
    }

    static func alawEncode(_ sample: Int16) -> UInt8 {
        var value = Int(sample) >> 3  // 13-bit
        let mask: Int
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        let segment = segment(value, ends: alawSegmentEnds)
        guard segment < 8 else { return UInt8(0x7F ^ mask) }
        let mantissa = segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F
        return UInt8(((segment << 4) | mantissa) ^ mask)
    }

    static func alawDecode(_ byte: UInt8) -> Int16 {
        let value = Int(byte ^ 0x55)
        var magnitude = (value & 0x0F) << 4
        let segment = (value & 0x70) >> 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(value & 0x80 != 0 ? magnitude : -magnitude)
    }
}
