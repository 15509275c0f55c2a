/// The SMPP 3.4 operations Parley speaks (§5.1.2.1). A response's id is its request's with the
/// top bit set.
public enum SMPPCommand: UInt32, Sendable {
    case genericNack = 0x8000_0000
    case bindTransceiver = 0x0000_0009
    case bindTransceiverResp = 0x8000_0009
    case submitSM = 0x0000_0004
    case submitSMResp = 0x8000_0004
    case deliverSM = 0x0000_0005
    case deliverSMResp = 0x8000_0005
    case unbind = 0x0000_0006
    case unbindResp = 0x8000_0006
    case enquireLink = 0x0000_0015
    case enquireLinkResp = 0x8000_0015

    public var isResponse: Bool { rawValue & 0x8000_0000 != 0 }
}
