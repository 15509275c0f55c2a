/// One SMPP 3.4 protocol data unit: the header's status and sequence number and the body of
/// one of the operations Parley speaks (§3.2).
public struct SMPPPDU: Hashable, Sendable {
    public var status: SMPPStatus
    public var sequenceNumber: UInt32
    public var body: Body

    public enum Body: Hashable, Sendable {
        case bindTransceiver(BindRequest)
        case bindTransceiverResp(systemID: String)
        case submitSM(ShortMessage)
        case submitSMResp(messageID: String)
        case deliverSM(ShortMessage)
        case deliverSMResp
        case enquireLink
        case enquireLinkResp
        case unbind
        case unbindResp
        case genericNack
    }

    public init(status: SMPPStatus = .ok, sequenceNumber: UInt32, body: Body) {
        self.status = status
        self.sequenceNumber = sequenceNumber
        self.body = body
    }

    public var command: SMPPCommand {
        switch body {
        case .bindTransceiver: .bindTransceiver
        case .bindTransceiverResp: .bindTransceiverResp
        case .submitSM: .submitSM
        case .submitSMResp: .submitSMResp
        case .deliverSM: .deliverSM
        case .deliverSMResp: .deliverSMResp
        case .enquireLink: .enquireLink
        case .enquireLinkResp: .enquireLinkResp
        case .unbind: .unbind
        case .unbindResp: .unbindResp
        case .genericNack: .genericNack
        }
    }
}

/// bind_transceiver's fields (SMPP 3.4 §4.1.5).
public struct BindRequest: Hashable, Sendable {
    public var systemID: String
    public var password: String
    public var systemType: String
    public var interfaceVersion: UInt8
    public var addressRange: SMPPAddress

    public init(systemID: String, password: String, systemType: String = "", interfaceVersion: UInt8 = 0x34,
                addressRange: SMPPAddress = SMPPAddress(ton: 0, npi: 0, address: "")) {
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.interfaceVersion = interfaceVersion
        self.addressRange = addressRange
    }
}
