/// The concatenation element of a user data header (3GPP TS 23.040 §9.2.3.24.1 with an 8-bit
/// reference, §9.2.3.24.8 with a 16-bit one): which part of which long message this is.
public struct ConcatenationHeader: Hashable, Sendable {
    public let reference: Int
    public let total: Int
    /// 1-based.
    public let sequence: Int

    public init(reference: Int, total: Int, sequence: Int) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
    }

    /// A user data that starts with a header (esm_class 0x40): its concatenation element, if
    /// it holds a sound one, and the data after the header. Nil when the header's length runs
    /// past the payload.
    public static func split(_ payload: [UInt8]) -> (header: ConcatenationHeader?, data: ArraySlice<UInt8>)? {
        guard let length = payload.first.map(Int.init), payload.count > length else { return nil }
        let end = 1 + length
        var header: ConcatenationHeader?
        var index = 1
        while index + 2 <= end {
            let (identifier, size) = (payload[index], Int(payload[index + 1]))
            let start = index + 2
            guard start + size <= end else { return nil }
            switch (identifier, size) {
            case (0x00, 3):
                header = ConcatenationHeader(reference: Int(payload[start]), total: Int(payload[start + 1]), sequence: Int(payload[start + 2]))
            case (0x08, 4):
                header = ConcatenationHeader(
                    reference: Int(payload[start]) << 8 | Int(payload[start + 1]), total: Int(payload[start + 2]), sequence: Int(payload[start + 3]))
            default: break
            }
            index = start + size
        }
        if let found = header, found.total < 1 || found.sequence < 1 || found.sequence > found.total { header = nil }
        return (header, payload[end...])
    }
}
