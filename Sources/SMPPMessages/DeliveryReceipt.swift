import Foundation

/// An SMSC's delivery receipt (a deliver_sm with esm_class 0x04), read from its text in the
/// format of SMPP 3.4 Appendix B (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…`)
/// and from the receipted_message_id, message_state and network_error_code options, which win
/// when present.
public struct DeliveryReceipt: Hashable, Sendable {
    /// message_state (SMPP 3.4 §5.2.28), named as the receipt's `stat:` field names it.
    public enum State: String, Sendable, CaseIterable {
        case enroute = "ENROUTE"
        case delivered = "DELIVRD"
        case expired = "EXPIRED"
        case deleted = "DELETED"
        case undeliverable = "UNDELIV"
        case accepted = "ACCEPTD"
        case unknown = "UNKNOWN"
        case rejected = "REJECTD"

        init?(messageState: UInt8) {
            let states: [State] = [.enroute, .delivered, .expired, .deleted, .undeliverable, .accepted, .unknown, .rejected]
            guard (1...8).contains(messageState) else { return nil }
            self = states[Int(messageState) - 1]
        }
    }

    /// What a receipt means for the message, in Twilio's terms.
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// The network could not reach the handset (expired, deleted, undeliverable).
        case undelivered
        /// The SMSC refused it or does not know what became of it.
        case failed
        /// Not final (en route, accepted): nothing changes.
        case pending
    }

    public var messageID: String
    public var state: State
    /// The `err:` field, or the network_error_code option's code, as the SMSC wrote it.
    public var errorCode: String?

    public var outcome: Outcome {
        switch state {
        case .delivered: .delivered
        case .expired, .deleted, .undeliverable: .undelivered
        case .rejected, .unknown: .failed
        case .enroute, .accepted: .pending
        }
    }

    public init(messageID: String, state: State, errorCode: String?) {
        self.messageID = messageID
        self.state = state
        self.errorCode = errorCode
    }

    /// Reads a receipt; nil when `message` is not one or names no message and state.
    public init?(_ message: ShortMessage) {
        guard message.isDeliveryReceipt else { return nil }
        let fields = Self.fields(of: SMSEncoding.decode(message.payload, dataCoding: message.dataCoding))
        let optionID = message.option(.receiptedMessageID).map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let optionState = message.option(.messageState).flatMap { $0.first }.flatMap(State.init(messageState:))
        guard let messageID = optionID ?? fields["id"], !messageID.isEmpty,
            let state = optionState ?? fields["stat"].flatMap({ State(rawValue: $0.uppercased()) })
        else { return nil }
        var errorCode = fields["err"]
        // network_error_code: network type (1 octet) and the error (2 octets).
        if let network = message.option(.networkErrorCode), network.count == 3 {
            errorCode = String(UInt16(network[1]) << 8 | UInt16(network[2]))
        }
        self.init(messageID: messageID, state: state, errorCode: errorCode)
    }

    /// `name:value` pairs of the receipt text (names in any case); `submit date` and `done
    /// date` hold a space, a value runs to the space before the next name, and `text:` runs to
    /// the end. One pass over the bytes: this runs for every receipt.
    static func fields(of text: String) -> [String: String] {
        let bytes = Array(text.utf8)
        let lowered = bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
        var found: [(name: String, start: Int, value: Int)] = []
        var index = 0
        scan: while index < lowered.count {
            if index == 0 || lowered[index - 1] == 0x20 {
                for (name, pattern) in receiptFieldNames where lowered[index...].starts(with: pattern) {
                    found.append((name, index, index + pattern.count))
                    if name == "text" { break scan }
                    index += pattern.count
                    continue scan
                }
            }
            index += 1
        }
        var fields: [String: String] = [:]
        for (position, field) in found.enumerated() {
            let end = position + 1 < found.count ? found[position + 1].start - 1 : bytes.count
            fields[field.name] = String(decoding: bytes[field.value..<max(field.value, end)], as: UTF8.self)
        }
        return fields
    }
}

/// The receipt's field names (SMPP 3.4 Appendix B) and what they look like followed by their
/// colon, in lower case.
private let receiptFieldNames: [(String, [UInt8])] = ["id", "sub", "dlvrd", "submit date", "done date", "stat", "err", "text"].map {
    ($0, Array(($0 + ":").utf8))
}

