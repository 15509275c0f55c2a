/// Why bytes could not be read as an SMPP PDU, or a PDU could not be written. A decoding
/// error carries what the peer needs in its generic_nack: the status and the sequence number.
public enum SMPPCodingError: Error, Hashable, Sendable {
    /// command_length below the 16-octet header or above the largest PDU accepted.
    case invalidLength(UInt32)
    /// A command_id Parley does not speak.
    case unknownCommand(id: UInt32, sequenceNumber: UInt32)
    /// A body that ends early or a field that breaks its rule.
    case malformed(SMPPCommand, sequenceNumber: UInt32, reason: String)
    /// A field too long for its place in the PDU (encoding).
    case fieldTooLong(field: String, limit: Int)

    /// The command_status to answer with in a generic_nack.
    public var nackStatus: SMPPStatus {
        switch self {
        case .invalidLength: .invalidCommandLength
        case .unknownCommand: .invalidCommandID
        case .malformed, .fieldTooLong: .invalidMessageLength
        }
    }

    public var sequenceNumber: UInt32 {
        switch self {
        case .unknownCommand(_, let sequence), .malformed(_, let sequence, _): sequence
        case .invalidLength, .fieldTooLong: 0
        }
    }
}
