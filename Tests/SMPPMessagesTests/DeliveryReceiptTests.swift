import Testing

@testable import SMPPMessages

@Suite("Delivery receipts")
struct DeliveryReceiptTests {
    private func receipt(_ text: String, options: [SMPPOption] = []) -> ShortMessage {
        ShortMessage(source: .international("32470000001"), destination: .shortCode("8640"), esmClass: 0x04, payload: Array(text.utf8), options: options)
    }

    @Test("the text of SMPP 3.4 Appendix B gives the message, its state and its error", arguments: [
        ("id:0123456789 sub:001 dlvrd:001 submit date:2612071230 done date:2612071231 stat:DELIVRD err:000 text:Your code", DeliveryReceipt.Outcome.delivered, "000"),
        ("id:0123456789 sub:001 dlvrd:000 submit date:2612071230 done date:2612071231 stat:UNDELIV err:034 text:", .undelivered, "034"),
        ("id:0123456789 sub:001 dlvrd:000 submit date:2612071230 done date:2612071231 stat:EXPIRED err:000 Text:x", .undelivered, "000"),
        ("id:0123456789 sub:001 dlvrd:000 submit date:2612071230 done date:2612071231 stat:REJECTD err:011 text:", .failed, "011"),
        ("id:0123456789 stat:ACCEPTD err:000", .pending, "000"),
    ])
    func text(text: String, outcome: DeliveryReceipt.Outcome, error: String) throws {
        let parsed = try #require(DeliveryReceipt(receipt(text)))
        #expect(parsed.messageID == "0123456789" && parsed.outcome == outcome && parsed.errorCode == error)
    }

    @Test("the options win over the text: receipted_message_id, message_state, network_error_code")
    func options() throws {
        let message = receipt(
            "id:wrong stat:DELIVRD err:000",
            options: [
                SMPPOption(tag: .receiptedMessageID, value: Array("right".utf8) + [0]), SMPPOption(tag: .messageState, value: [5]),
                SMPPOption(tag: .networkErrorCode, value: [3, 0x00, 0x22]),
            ])
        let parsed = try #require(DeliveryReceipt(message))
        #expect(parsed.messageID == "right" && parsed.state == .undeliverable && parsed.errorCode == "34")
    }

    @Test("a mobile's message, or a receipt naming no message, is not a receipt")
    func notReceipts() {
        var mobile = receipt("id:1 stat:DELIVRD")
        mobile.esmClass = 0
        #expect(DeliveryReceipt(mobile) == nil)
        #expect(DeliveryReceipt(receipt("hello")) == nil)
        #expect(DeliveryReceipt(receipt("id: stat:DELIVRD")) == nil)
    }
}
