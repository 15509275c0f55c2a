/// The body shared by submit_sm and deliver_sm (SMPP 3.4 §4.4.1, §4.6.1): who sends, to whom,
/// how the bytes are coded, and the optional TLVs.
public struct ShortMessage: Hashable, Sendable {
    public var serviceType: String
    public var source: SMPPAddress
    public var destination: SMPPAddress
    /// Bit 6 (0x40): the message starts with a user data header; bits 2–5 (0x04): a delivery receipt.
    public var esmClass: UInt8
    public var protocolID: UInt8
    public var priority: UInt8
    public var scheduleDeliveryTime: String
    public var validityPeriod: String
    /// Bit 0: ask the SMSC for a receipt on final delivery or failure.
    public var registeredDelivery: UInt8
    public var replaceIfPresent: UInt8
    public var dataCoding: UInt8
    public var defaultMessageID: UInt8
    /// The user data as sent: at most 254 octets (SMPP's `sm_length` is one octet).
    public var payload: [UInt8]
    public var options: [SMPPOption]

    public static let userDataHeaderIndicator: UInt8 = 0x40
    public static let deliveryReceiptFlag: UInt8 = 0x04

    public init(
        serviceType: String = "", source: SMPPAddress, destination: SMPPAddress, esmClass: UInt8 = 0, protocolID: UInt8 = 0,
        priority: UInt8 = 0, scheduleDeliveryTime: String = "", validityPeriod: String = "", registeredDelivery: UInt8 = 0,
        replaceIfPresent: UInt8 = 0, dataCoding: UInt8 = 0, defaultMessageID: UInt8 = 0, payload: [UInt8], options: [SMPPOption] = []
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.protocolID = protocolID
        self.priority = priority
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.registeredDelivery = registeredDelivery
        self.replaceIfPresent = replaceIfPresent
        self.dataCoding = dataCoding
        self.defaultMessageID = defaultMessageID
        self.payload = payload
        self.options = options
    }

    /// Whether the SMSC sent this as a delivery receipt rather than a mobile's message.
    public var isDeliveryReceipt: Bool { esmClass & 0x3C == Self.deliveryReceiptFlag }

    /// The first option with `tag`.
    public func option(_ tag: SMPPOption.Tag) -> [UInt8]? { options.first { $0.tag == tag }?.value }
}

/// An optional parameter (tag, length, value; SMPP 3.4 §5.3).
public struct SMPPOption: Hashable, Sendable {
    public struct Tag: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        public static let receiptedMessageID = Tag(rawValue: 0x001E)
        public static let scInterfaceVersion = Tag(rawValue: 0x0210)
        public static let networkErrorCode = Tag(rawValue: 0x0423)
        public static let messagePayload = Tag(rawValue: 0x0424)
        public static let messageState = Tag(rawValue: 0x0427)
    }

    public var tag: Tag
    public var value: [UInt8]

    public init(tag: Tag, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }
}
