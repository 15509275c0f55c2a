import NIOCore
import Testing

@testable import SMPPMessages

private func hex(_ text: String) -> [UInt8] {
    text.split(separator: " ").map { UInt8($0, radix: 16)! }
}

private func encoded(_ pdu: SMPPPDU) throws -> [UInt8] {
    var buffer = ByteBuffer()
    try pdu.encode(into: &buffer)
    return Array(buffer.readableBytesView)
}

@Suite("SMPP 3.4 PDUs")
struct SMPPPDUCodingTests {
    /// The 60-octet submit_sm of the SMPP 3.4 overview's example ("Hello wikipedia" from 555 to
    /// 555555555), octet for octet.
    static let example = hex(
        "00 00 00 3C 00 00 00 04 00 00 00 00 00 00 00 05 00 02 08 35 35 35 00 01 01 35 35 35 35 35 35 35 35 35 00 "
            + "00 00 00 00 00 00 00 00 00 0F 48 65 6C 6C 6F 20 77 69 6B 69 70 65 64 69 61")

    @Test("the specification's submit_sm example decodes field by field and encodes back to the same octets")
    func specificationExample() throws {
        let pdu = try SMPPPDU(decoding: ByteBuffer(bytes: Self.example))
        #expect(pdu.sequenceNumber == 5 && pdu.status == .ok && pdu.command == .submitSM)
        guard case .submitSM(let message) = pdu.body else {
            Issue.record("not a submit_sm")
            return
        }
        #expect(message.source == SMPPAddress(ton: 2, npi: 8, address: "555"))
        #expect(message.destination == SMPPAddress(ton: 1, npi: 1, address: "555555555"))
        #expect(String(decoding: message.payload, as: UTF8.self) == "Hello wikipedia")
        #expect(message.esmClass == 0 && message.dataCoding == 0 && message.registeredDelivery == 0 && message.options.isEmpty)
        #expect(try encoded(pdu) == Self.example)
    }

    @Test("bind_transceiver: system_id, password, system_type, interface version 0x34, empty range")
    func bind() throws {
        let pdu = SMPPPDU(sequenceNumber: 1, body: .bindTransceiver(BindRequest(systemID: "parley", password: "secret", systemType: "VMA")))
        let bytes = try encoded(pdu)
        #expect(bytes == hex("00 00 00 26 00 00 00 09 00 00 00 00 00 00 00 01") + Array("parley".utf8) + [0] + Array("secret".utf8) + [0]
            + Array("VMA".utf8) + [0, 0x34, 0, 0, 0])
        #expect(try SMPPPDU(decoding: ByteBuffer(bytes: bytes)) == pdu)
    }

    @Test("responses without a body: an error submit_sm_resp and bind_transceiver_resp, enquire_link_resp, generic_nack")
    func bodylessResponses() throws {
        let throttled = try SMPPPDU(decoding: ByteBuffer(bytes: hex("00 00 00 10 80 00 00 04 00 00 00 58 00 00 00 07")))
        #expect(throttled.status == .throttled && throttled.status.isBackPressure && throttled.body == .submitSMResp(messageID: ""))
        let refused = try SMPPPDU(decoding: ByteBuffer(bytes: hex("00 00 00 10 80 00 00 09 00 00 00 0E 00 00 00 01")))
        #expect(refused.status == .invalidPassword && refused.body == .bindTransceiverResp(systemID: ""))
        #expect(try encoded(SMPPPDU(sequenceNumber: 9, body: .enquireLinkResp)) == hex("00 00 00 10 80 00 00 15 00 00 00 00 00 00 00 09"))
        let nack = SMPPPDU(status: .invalidCommandID, sequenceNumber: 3, body: .genericNack)
        #expect(try encoded(nack) == hex("00 00 00 10 80 00 00 00 00 00 00 03 00 00 00 03"))
    }

    @Test("deliver_sm with optional parameters round-trips, and deliver_sm_resp carries an empty message_id")
    func deliverWithOptions() throws {
        let message = ShortMessage(
            source: .international("32470000001"), destination: .shortCode("8640"), esmClass: 0x04, dataCoding: 0,
            payload: Array("id:abc stat:DELIVRD err:000".utf8),
            options: [SMPPOption(tag: .receiptedMessageID, value: Array("abc".utf8) + [0]), SMPPOption(tag: .messageState, value: [2])])
        let pdu = SMPPPDU(sequenceNumber: 77, body: .deliverSM(message))
        #expect(try SMPPPDU(decoding: ByteBuffer(bytes: try encoded(pdu))) == pdu)
        #expect(try encoded(SMPPPDU(sequenceNumber: 77, body: .deliverSMResp)) == hex("00 00 00 11 80 00 00 05 00 00 00 00 00 00 00 4D 00"))
    }

    @Test("bad input is a typed error carrying what the generic_nack needs", arguments: [
        ("00 00 00 08 00 00 00 15 00 00 00 00", SMPPStatus.invalidCommandLength),
        ("00 00 00 10 00 00 00 99 00 00 00 00 00 00 00 2A", .invalidCommandID),
        ("00 00 00 14 00 00 00 04 00 00 00 00 00 00 00 2A 00 01 01 35", .invalidMessageLength),
        ("00 00 00 11 00 00 00 04 00 00 00 00 00 00 00 2A 41", .invalidMessageLength),
        ("00 00 00 20 00 00 00 15 00 00 00 00 00 00 00 2A", .invalidCommandLength),
    ])
    func malformed(input: String, status: SMPPStatus) {
        #expect {
            _ = try SMPPPDU(decoding: ByteBuffer(bytes: hex(input)))
        } throws: { error in
            (error as? SMPPCodingError)?.nackStatus == status
        }
    }

    @Test("a short message whose sm_length runs past the PDU is refused, not read beyond it")
    func shortMessageBeyondPDU() throws {
        var bytes = Self.example
        bytes[44] = 0x40
        #expect(throws: SMPPCodingError.self) { try SMPPPDU(decoding: ByteBuffer(bytes: bytes)) }
    }

    @Test("fields longer than the specification allows are refused when encoding")
    func fieldLimits() {
        let long = SMPPPDU(sequenceNumber: 1, body: .bindTransceiver(BindRequest(systemID: "a-system-id-too-long", password: "x")))
        #expect(throws: SMPPCodingError.fieldTooLong(field: "system_id", limit: 15)) { try encoded(long) }
        let big = SMPPPDU(sequenceNumber: 1, body: .submitSM(ShortMessage(source: .shortCode("8640"), destination: .international("32470000001"), payload: Array(repeating: 0x41, count: 255))))
        #expect(throws: SMPPCodingError.fieldTooLong(field: "short_message", limit: 254)) { try encoded(big) }
    }

    @Test("random bytes never trap the decoder")
    func randomInput() {
        // Seeded, so a trap found here happens again; and cheap, unlike the system's generator
        // (a system call per draw), which made this test hold a thread for seconds.
        var generator = SplitMix64(seed: 0x5EED_5A4D)
        for _ in 0..<20_000 {
            var bytes = (0..<Int.random(in: 16...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // A plausible header half the time, so the body readers are reached.
            if Bool.random(using: &generator) {
                bytes[0...3] = [0, 0, 0, UInt8(bytes.count)]
                bytes[4...7] = [0, 0, 0, [4, 5, 9, 0x15].randomElement(using: &generator)!]
            }
            _ = try? SMPPPDU(decoding: ByteBuffer(bytes: bytes))
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seedable generator for test input.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
