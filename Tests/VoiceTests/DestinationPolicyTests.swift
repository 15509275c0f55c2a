import Addressing
import SIP
import SIPMessages
import Testing

@testable import Voice

@Suite("What a tenant may call")
struct DestinationPolicyTests {
    @Test(
        "numbers outside the Belgian plan, special and emergency numbers, and unsafe text are refused wherever they are written",
        arguments: [
            ("112", "special"), ("+32 101", "special"), ("1207", "special"), ("116000", "special"),
            ("+88213000001", "foreign"), ("+33123456789", "foreign"), ("0900 12 345", "special"),
            ("sip:+88213000001@gw.example.net", "foreign"), ("sip:112@gw.example.net", "special"),
            ("sips:0033123456789@198.51.100.4", "foreign"), ("tel:+88213000001", "foreign"), ("tel:112", "special"),
            ("sip:%0D%0AP-Asserted-Identity:%20x@198.51.100.4", "unsafe"), ("sip:a%00b@198.51.100.4", "unsafe"),
            ("sip:desk@198.51.100.4?P-Asserted-Identity=x", "unsafe"), ("sip:desk@198.51.100.4;maddr=10.0.0.1", "unsafe"),
        ] as [(String, String)])
    func refused(to: String, reason: String) {
        #expect {
            _ = try OutboundCalls.target(to)
        } throws: { error in
            guard case OutboundCallError.refused(let refusal) = error else { return false }
            switch (refusal, reason) {
            case (.specialNumber, "special"), (.notBelgian, "foreign"), (.unsafe, "unsafe"): return true
            default: return false
            }
        }
    }

    @Test(
        "Belgian numbers, Clients and SIP names pass the checks that need no address",
        arguments: ["+32 2 123 45 67", "0470 12 34 56", "client:alice", "sip:desk@pbx.example.net", "sip:+3221234567@198.51.100.4", "tel:+3221234567"])
    func passes(to: String) throws {
        _ = try OutboundCalls.target(to)
    }

    @Test("a sip: address at the trunk's gateways, at Parley itself or in a reserved block is refused; a public one passes")
    func addresses() throws {
        let trunks = Trunks(gateways: [SIPURI("sip:198.51.100.20")!, SIPURI("sip:127.0.0.1:5090")!])
        let policy = DestinationPolicy(trunks: trunks, egress: EgressPolicy(allowed: [AddressRange("127.0.0.0/8")!], ownPorts: [5060], ownAddresses: []))
        #expect(throws: DestinationPolicy.Refusal.trunk("198.51.100.20:5060")) { try policy.check(address: "198.51.100.20", port: 5060) }
        #expect(throws: DestinationPolicy.Refusal.trunk("198.51.100.20:5080")) { try policy.check(address: "198.51.100.20", port: 5080) }
        #expect(throws: DestinationPolicy.Refusal.trunk("127.0.0.1:5090")) { try policy.check(address: "127.0.0.1", port: 5090) }
        #expect(throws: DestinationPolicy.Refusal.address(.parley("127.0.0.1:5060"))) { try policy.check(address: "127.0.0.1", port: 5060) }
        #expect(throws: DestinationPolicy.Refusal.address(.reserved("169.254.169.254:5060"))) { try policy.check(address: "169.254.169.254", port: 5060) }
        try policy.check(address: "127.0.0.1", port: 5070)  // a lab peer beside a loopback trunk
        try policy.check(address: "9.9.9.9", port: 5060)
    }

    @Test("a caller ID shown to a Client is a number or a plain name; anything that could break a header is not", arguments: [
        ("0470 12 34 56", "+32470123456"), ("client:alice", "client:alice"), ("Reception", "Reception"), ("a\r\nb", nil), ("x y", nil),
        ("<sip:x@y>", nil),
    ] as [(String, String?)])
    func plainCallerID(text: String, shown: String?) {
        #expect(OutboundCalls.plainCallerID(text) == shown)
    }
}
