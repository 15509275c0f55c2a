/// How a text travels: GSM-7 when every character is in the GSM 03.38 alphabet, UCS-2 (as
/// UTF-16, big-endian) otherwise, as handsets and Twilio choose.
public enum SMSEncoding: String, Sendable, CaseIterable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"

    /// SMPP's data_coding (SMPP 3.4 §5.2.19): 0 the SMSC's default alphabet, 8 UCS-2.
    public var dataCoding: UInt8 {
        switch self {
        case .gsm7: 0
        case .ucs2: 8
        }
    }

    /// Units in one message on its own (septets or UTF-16 code units).
    var singleCapacity: Int { self == .gsm7 ? 160 : 70 }
    /// Units in one part of a concatenated message: the 6-octet header takes the rest.
    var partCapacity: Int { self == .gsm7 ? 153 : 67 }

    public static func choose(for text: String) -> SMSEncoding {
        GSM7Alphabet.canEncode(text) ? .gsm7 : .ucs2
    }

    /// Reads a short message's text: data_coding 0 as GSM-7 septets, 8 as UTF-16BE, 1 and 3
    /// (IA5, Latin-1) as Latin-1, anything else as Latin-1 too rather than lose it.
    public static func decode(_ payload: some Collection<UInt8>, dataCoding: UInt8) -> String {
        switch dataCoding {
        case 0: return GSM7Alphabet.decode(payload)
        case 8:
            let bytes = Array(payload)
            let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        default: return String(decoding: payload.map { UInt16($0) }, as: UTF16.self)
        }
    }
}
