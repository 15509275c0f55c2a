import NIOCore

extension SMPPPDU {
    /// The largest PDU read: a 254-octet short message plus generous TLVs (a 64 KiB
    /// message_payload is not something Parley receives).
    public static let maximumLength: UInt32 = 8192
    public static let headerLength = 16

    /// Reads one PDU whose command_length has been checked and whose bytes are all in `frame`
    /// (`SMPPFrameDecoder` delimits them). Nothing in the input can trap.
    public init(decoding frame: ByteBuffer) throws(SMPPCodingError) {
        var buffer = frame
        guard let length = buffer.readInteger(as: UInt32.self), let id = buffer.readInteger(as: UInt32.self),
            let status = buffer.readInteger(as: UInt32.self), let sequence = buffer.readInteger(as: UInt32.self)
        else { throw .invalidLength(UInt32(frame.readableBytes)) }
        guard length >= Self.headerLength, length <= Self.maximumLength, Int(length) == frame.readableBytes else {
            throw .invalidLength(length)
        }
        guard let command = SMPPCommand(rawValue: id) else { throw .unknownCommand(id: id, sequenceNumber: sequence) }
        var reader = BodyReader(buffer: buffer, command: command, sequence: sequence)
        let body: Body
        switch command {
        case .genericNack: body = .genericNack
        case .enquireLink: body = .enquireLink
        case .enquireLinkResp: body = .enquireLinkResp
        case .unbind: body = .unbind
        case .unbindResp: body = .unbindResp
        case .deliverSMResp:
            // message_id is unused and always empty; some SMSCs leave it out.
            if reader.hasMore { _ = try reader.cString("message_id") }
            body = .deliverSMResp
        case .bindTransceiver:
            body = .bindTransceiver(
                BindRequest(
                    systemID: try reader.cString("system_id"), password: try reader.cString("password"),
                    systemType: try reader.cString("system_type"), interfaceVersion: try reader.octet("interface_version"),
                    addressRange: try reader.address("address_range")))
        case .bindTransceiverResp:
            // An error response may come without a body.
            body = .bindTransceiverResp(systemID: reader.hasMore ? try reader.cString("system_id") : "")
        case .submitSMResp:
            body = .submitSMResp(messageID: reader.hasMore ? try reader.cString("message_id") : "")
        case .submitSM: body = .submitSM(try reader.shortMessage())
        case .deliverSM: body = .deliverSM(try reader.shortMessage())
        }
        self.init(status: SMPPStatus(rawValue: status), sequenceNumber: sequence, body: body)
    }

    /// Writes the PDU, command_length first.
    public func encode(into buffer: inout ByteBuffer) throws(SMPPCodingError) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(command.rawValue)
        buffer.writeInteger(status.rawValue)
        buffer.writeInteger(sequenceNumber)
        var writer = BodyWriter(buffer: buffer)
        switch body {
        case .genericNack, .enquireLink, .enquireLinkResp, .unbind, .unbindResp: break
        case .deliverSMResp: try writer.cString("", field: "message_id", limit: 1)
        case .bindTransceiver(let bind):
            try writer.cString(bind.systemID, field: "system_id", limit: 16)
            try writer.cString(bind.password, field: "password", limit: 9)
            try writer.cString(bind.systemType, field: "system_type", limit: 13)
            writer.buffer.writeInteger(bind.interfaceVersion)
            try writer.address(bind.addressRange, field: "address_range", limit: 41)
        case .bindTransceiverResp(let systemID): try writer.cString(systemID, field: "system_id", limit: 16)
        case .submitSMResp(let messageID): try writer.cString(messageID, field: "message_id", limit: 65)
        case .submitSM(let message), .deliverSM(let message): try writer.shortMessage(message)
        }
        buffer = writer.buffer
        buffer.setInteger(UInt32(buffer.writerIndex - start), at: start)
    }
}

/// Reads a PDU body field by field, naming the field that broke.
private struct BodyReader {
    var buffer: ByteBuffer
    let command: SMPPCommand
    let sequence: UInt32

    var hasMore: Bool { buffer.readableBytes > 0 }

    private func failure(_ field: String) -> SMPPCodingError {
        .malformed(command, sequenceNumber: sequence, reason: "\(field) is missing or not terminated")
    }

    mutating func octet(_ field: String) throws(SMPPCodingError) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else { throw failure(field) }
        return value
    }

    /// A NUL-terminated string (C-Octet String, §3.1). ASCII is the rule; other bytes are kept
    /// as Latin-1 so nothing is refused for a vendor's eccentric system_id.
    mutating func cString(_ field: String) throws(SMPPCodingError) -> String {
        guard let end = buffer.readableBytesView.firstIndex(of: 0) else { throw failure(field) }
        let bytes = buffer.readBytes(length: end - buffer.readerIndex) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
    }

    mutating func address(_ field: String) throws(SMPPCodingError) -> SMPPAddress {
        SMPPAddress(ton: try octet(field + " ton"), npi: try octet(field + " npi"), address: try cString(field))
    }

    mutating func shortMessage() throws(SMPPCodingError) -> ShortMessage {
        let serviceType = try cString("service_type")
        let source = try address("source_addr")
        let destination = try address("destination_addr")
        let esmClass = try octet("esm_class")
        let protocolID = try octet("protocol_id")
        let priority = try octet("priority_flag")
        let schedule = try cString("schedule_delivery_time")
        let validity = try cString("validity_period")
        let registered = try octet("registered_delivery")
        let replace = try octet("replace_if_present_flag")
        let coding = try octet("data_coding")
        let defaultID = try octet("sm_default_msg_id")
        let length = try octet("sm_length")
        guard let payload = buffer.readBytes(length: Int(length)) else {
            throw .malformed(command, sequenceNumber: sequence, reason: "short_message is shorter than sm_length \(length)")
        }
        var options: [SMPPOption] = []
        while buffer.readableBytes > 0 {
            guard let tag = buffer.readInteger(as: UInt16.self), let size = buffer.readInteger(as: UInt16.self),
                let value = buffer.readBytes(length: Int(size))
            else { throw .malformed(command, sequenceNumber: sequence, reason: "an optional parameter is cut short") }
            options.append(SMPPOption(tag: .init(rawValue: tag), value: value))
        }
        return ShortMessage(
            serviceType: serviceType, source: source, destination: destination, esmClass: esmClass, protocolID: protocolID,
            priority: priority, scheduleDeliveryTime: schedule, validityPeriod: validity, registeredDelivery: registered,
            replaceIfPresent: replace, dataCoding: coding, defaultMessageID: defaultID, payload: payload, options: options)
    }
}

/// Writes a PDU body, refusing fields longer than the specification allows.
private struct BodyWriter {
    var buffer: ByteBuffer

    /// `limit` counts the terminating NUL, as the specification's sizes do.
    mutating func cString(_ value: String, field: String, limit: Int) throws(SMPPCodingError) {
        let bytes = Array(value.utf8)
        guard bytes.count < limit, !bytes.contains(0) else { throw .fieldTooLong(field: field, limit: limit - 1) }
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(0))
    }

    mutating func address(_ address: SMPPAddress, field: String, limit: Int) throws(SMPPCodingError) {
        buffer.writeInteger(address.ton)
        buffer.writeInteger(address.npi)
        try cString(address.address, field: field, limit: limit)
    }

    mutating func shortMessage(_ message: ShortMessage) throws(SMPPCodingError) {
        try cString(message.serviceType, field: "service_type", limit: 6)
        try address(message.source, field: "source_addr", limit: 21)
        try address(message.destination, field: "destination_addr", limit: 21)
        buffer.writeInteger(message.esmClass)
        buffer.writeInteger(message.protocolID)
        buffer.writeInteger(message.priority)
        try cString(message.scheduleDeliveryTime, field: "schedule_delivery_time", limit: 17)
        try cString(message.validityPeriod, field: "validity_period", limit: 17)
        buffer.writeInteger(message.registeredDelivery)
        buffer.writeInteger(message.replaceIfPresent)
        buffer.writeInteger(message.dataCoding)
        buffer.writeInteger(message.defaultMessageID)
        guard message.payload.count <= 254 else { throw .fieldTooLong(field: "short_message", limit: 254) }
        buffer.writeInteger(UInt8(message.payload.count))
        buffer.writeBytes(message.payload)
        for option in message.options {
            guard option.value.count <= Int(UInt16.max) else { throw .fieldTooLong(field: "optional parameter", limit: Int(UInt16.max)) }
            buffer.writeInteger(option.tag.rawValue)
            buffer.writeInteger(UInt16(option.value.count))
            buffer.writeBytes(option.value)
        }
    }
}
