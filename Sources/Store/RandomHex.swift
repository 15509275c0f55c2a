/// Lowercase hex strings from `SystemRandomNumberGenerator`, which reads the kernel's CSPRNG
/// (getrandom on Linux), so they can serve as SIDs and as secrets.
public enum RandomHex {
    public static func string(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = ""
        hex.reserveCapacity(byteCount * 2)
        for _ in 0..<byteCount {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return hex
    }

    private static let digits: [Character] = Array("0123456789abcdef")
}
