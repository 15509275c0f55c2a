/// The GSM 03.38 (3GPP TS 23.038 §6.2.1) default alphabet and its extension table, one septet
/// per octet as SMPP carries it with data_coding 0.
public enum GSM7Alphabet {
    /// The basic table: index = septet.
    static let basic: [Unicode.Scalar] = Array(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    /// The extension table, reached by the escape septet 0x1B.
    static let extended: [Unicode.Scalar: UInt8] = [
        "\u{0C}": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
    ]
    static let escape: UInt8 = 0x1B

    private static let basicIndex: [Unicode.Scalar: UInt8] = {
        var index: [Unicode.Scalar: UInt8] = [:]
        for (septet, scalar) in basic.enumerated() where septet != Int(escape) { index[scalar] = UInt8(septet) }
        return index
    }()
    private static let extendedByCode: [UInt8: Unicode.Scalar] = Dictionary(uniqueKeysWithValues: extended.map { ($1, $0) })

    /// The septets of `scalar` (two for the extension table), or nil when GSM-7 cannot carry it.
    public static func septets(for scalar: Unicode.Scalar) -> [UInt8]? {
        if let septet = basicIndex[scalar] { return [septet] }
        if let code = extended[scalar] { return [escape, code] }
        return nil
    }

    /// Whether all of `text` can go as GSM-7.
    public static func canEncode(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { basicIndex[$0] != nil || extended[$0] != nil }
    }

    /// Reads unpacked septets; an unknown escape gives the basic character, as 23.038 says a
    /// receiver should, and octets above 0x7F are read without their top bit.
    public static func decode(_ septets: some Sequence<UInt8>) -> String {
        var text = String.UnicodeScalarView()
        var escaped = false
        for octet in septets {
            let septet = octet & 0x7F
            if escaped {
                text.append(extendedByCode[septet] ?? basic[Int(septet)])
                escaped = false
            } else if septet == escape {
                escaped = true
            } else {
                text.append(basic[Int(septet)])
            }
        }
        return String(text)
    }
}
