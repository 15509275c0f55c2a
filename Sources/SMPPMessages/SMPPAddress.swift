/// An SMPP address: type of number, numbering plan and the digits or alphanumeric text
/// (SMPP 3.4 §5.2.5, §5.2.6).
public struct SMPPAddress: Hashable, Sendable {
    public var ton: UInt8
    public var npi: UInt8
    public var address: String

    public init(ton: UInt8, npi: UInt8, address: String) {
        self.ton = ton
        self.npi = npi
        self.address = address
    }

    /// An E.164 number without its `+`: international TON, ISDN plan.
    public static func international(_ digits: String) -> SMPPAddress {
        SMPPAddress(ton: 1, npi: 1, address: digits.hasPrefix("+") ? String(digits.dropFirst()) : digits)
    }

    /// A short code such as 8640: network-specific TON, ISDN plan.
    public static func shortCode(_ digits: String) -> SMPPAddress {
        SMPPAddress(ton: 3, npi: 1, address: digits)
    }
}
