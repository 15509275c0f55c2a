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

    /// `name:value` pairs of the receipt text; `submit date` and `done date` hold a space,
    /// and `text:` runs to the end.
    static func fields(of text: String) -> [String: String] {
        var fields: [String: String] = [:]
        var rest = Substring(text)
        let names = ["id", "sub", "dlvrd", "submit date", "done date", "stat", "err", "text"]
        while let colon = rest.firstIndex(of: ":") {
            let name = rest[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: colon)...]
            if name == "text" {
                fields[name] = String(rest)
                break
            }
            // The value ends where the next known name begins.
            var end = rest.endIndex
            for next in names {
                if let range = rest.range(of: " " + next + ":", options: .caseInsensitive), range.lowerBound < end { end = range.lowerBound }
            }
            fields[name] = String(rest[..<end])
            rest = rest[end...]
        }
        return fields
    }
}
