/// Lowercase hex strings from `SystemRandomNumberGenerator`, which reads the kernel's CSPRNG
/// (getrandom on Linux), so they can serve as SIDs and as secrets. Eight bytes per draw: SIP
/// asks for tags and nonces thousands of times a second.
public enum RandomHex {
    public static func string(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var output: [UInt8] = []
        output.reserveCapacity(byteCount * 2)
        var word: UInt64 = 0
        for index in 0..<byteCount {
            if index % 8 == 0 { word = generator.next() }
            let byte = UInt8(truncatingIfNeeded: word >> (UInt64(index % 8) * 8))
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
