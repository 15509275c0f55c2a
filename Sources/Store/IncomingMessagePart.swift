import Foundation

/// One part of a concatenated message from a mobile (3GPP TS 23.040 §9.2.3.24.1), kept until
/// every part has come: the message is only whole, and its webhook only told, then.
public struct IncomingMessagePart: Sendable, Equatable {
    public var source: String
    public var destination: String
    /// The concatenation header's reference, telling this message's parts from another's.
    public var reference: Int
    public var total: Int
    /// 1-based.
    public var sequence: Int
    public var dataCoding: UInt8
    /// The user data without its header.
    public var payload: [UInt8]
    public var receivedAt: Date

    public init(
        source: String, destination: String, reference: Int, total: Int, sequence: Int, dataCoding: UInt8, payload: [UInt8], receivedAt: Date
    ) {
        self.source = source
        self.destination = destination
        self.reference = reference
        self.total = total
        self.sequence = sequence
        self.dataCoding = dataCoding
        self.payload = payload
        self.receivedAt = receivedAt
    }
}
