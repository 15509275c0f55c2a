/// `command_status` of a response (SMPP 3.4 §5.1.3). Only the codes Parley acts on are named;
/// any other value is kept as it came.
public struct SMPPStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = SMPPStatus(rawValue: 0x00)
    public static let invalidMessageLength = SMPPStatus(rawValue: 0x01)
    public static let invalidCommandLength = SMPPStatus(rawValue: 0x02)
    public static let invalidCommandID = SMPPStatus(rawValue: 0x03)
    public static let incorrectBindStatus = SMPPStatus(rawValue: 0x04)
    public static let alreadyBound = SMPPStatus(rawValue: 0x05)
    public static let systemError = SMPPStatus(rawValue: 0x08)
    public static let invalidDestinationAddress = SMPPStatus(rawValue: 0x0B)
    public static let bindFailed = SMPPStatus(rawValue: 0x0D)
    public static let invalidPassword = SMPPStatus(rawValue: 0x0E)
    public static let invalidSystemID = SMPPStatus(rawValue: 0x0F)
    /// ESME_RMSGQFUL: the SMSC's queue is full; try again later.
    public static let messageQueueFull = SMPPStatus(rawValue: 0x14)
    /// ESME_RTHROTTLED: too many messages too fast; slow down.
    public static let throttled = SMPPStatus(rawValue: 0x58)

    /// Whether the SMSC asks the sender to slow down rather than refusing the message.
    public var isBackPressure: Bool { self == .messageQueueFull || self == .throttled }

    public var description: String {
        Self.names[rawValue] ?? "0x" + String(rawValue, radix: 16, uppercase: true)
    }

    private static let names: [UInt32: String] = [
        0x00: "ESME_ROK", 0x01: "ESME_RINVMSGLEN", 0x02: "ESME_RINVCMDLEN", 0x03: "ESME_RINVCMDID",
        0x04: "ESME_RINVBNDSTS", 0x05: "ESME_RALYBND", 0x08: "ESME_RSYSERR", 0x0B: "ESME_RINVDSTADR",
        0x0D: "ESME_RBINDFAIL", 0x0E: "ESME_RINVPASWD", 0x0F: "ESME_RINVSYSID", 0x14: "ESME_RMSGQFUL",
        0x58: "ESME_RTHROTTLED",
    ]
}
