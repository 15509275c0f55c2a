/// A text made ready for submit_sm: its encoding and the payload of each part. A text that
/// fits one message goes as it is; a longer one is cut into parts that each start with a
/// concatenation header (3GPP TS 23.040 §9.2.3.24.1: IEI 0, reference, total, number), never
/// inside a GSM escape pair or a UTF-16 surrogate pair.
public struct SegmentedText: Sendable, Equatable {
    public let encoding: SMSEncoding
    public let parts: [[UInt8]]

    /// Whether the parts carry a user data header (esm_class 0x40).
    public var hasHeader: Bool { parts.count > 1 }

    /// `reference` tells this message's parts from another's at the handset (one octet).
    public init(_ text: String, reference: UInt8) {
        let encoding = SMSEncoding.choose(for: text)
        // Units, each one character's septets or code units, so a cut never splits one.
        let characters: [[UInt8]] = text.unicodeScalars.map { scalar in
            switch encoding {
            case .gsm7: return GSM7Alphabet.septets(for: scalar) ?? []
            case .ucs2: return Array(String(scalar).utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            }
        }
        let unitSize = encoding == .gsm7 ? 1 : 2
        let total = characters.reduce(0) { $0 + $1.count } / unitSize
        self.encoding = encoding
        if total <= encoding.singleCapacity {
            parts = [characters.flatMap { $0 }]
            return
        }
        var chunks: [[UInt8]] = [[]]
        for character in characters {
            if (chunks[chunks.count - 1].count + character.count) / unitSize > encoding.partCapacity { chunks.append([]) }
            chunks[chunks.count - 1] += character
        }
        let count = UInt8(clamping: chunks.count)
        parts = chunks.enumerated().map { index, chunk in
            [0x05, 0x00, 0x03, reference, count, UInt8(clamping: index + 1)] + chunk
        }
    }

    /// What Twilio calls `num_segments`.
    public var segmentCount: Int { parts.count }
}
