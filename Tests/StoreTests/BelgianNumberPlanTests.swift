import Testing

@testable import Store

@Suite("Belgian numbering plan")
struct BelgianNumberPlanTests {
    @Test(
        "what users type normalises to E.164",
        arguments: [
            ("+32 2 206 07 46", "+3222060746"), ("02/206.07.46", "+3222060746"),
            ("003222060746", "+3222060746"), ("3222060746", "+3222060746"),
            ("0470 20 61 00", "+32470206100"), ("+32 (0)10 20 61 00", "+3210206100"),
        ])
    func normalises(input: String, e164: String) {
        #expect(BelgianNumberPlan.normalise(input) == e164)
    }

    @Test(
        "non-Belgian, emergency, short and malformed numbers are refused",
        arguments: ["112", "+33123456789", "+3201234567", "+32123456", "02 206 07 4x", "+32620000000", "", "+32"])
    func refuses(input: String) {
        #expect(BelgianNumberPlan.normalise(input) == nil)
    }

    @Test("type and zone follow the plan: one-digit zones, two-digit zones, mobile blocks")
    func classifies() {
        #expect(BelgianNumberPlan.classify("+3222060746")! == (.fixed, "02"))
        #expect(BelgianNumberPlan.classify("+3242060746")! == (.fixed, "04"))
        #expect(BelgianNumberPlan.classify("+3210206100")! == (.fixed, "010"))
        #expect(BelgianNumberPlan.classify("+32470206100")! == (.mobile, "0470"))
        #expect(BelgianNumberPlan.classify("+32450206100") == nil)
        #expect(BelgianNumberPlan.classify("+3262060746") == nil)
    }

    @Test("zones are accepted with or without their leading 0")
    func zones() {
        #expect(BelgianNumberPlan.zone("2") == "02")
        #expect(BelgianNumberPlan.zone("010") == "010")
        #expect(BelgianNumberPlan.zone("470") == "0470")
        #expect(BelgianNumberPlan.zone("062") == nil)
        #expect(BelgianNumberPlan.zone("0450") == nil)
    }

    @Test(
        "emergency and special short numbers, premium-rate and shared-cost numbers are recognised in every written form",
        arguments: ["112", "100", "101", "+32 112", "0032112", "1207", "116000", "1-1-2", "0900 12 345", "+32 902 12 345", "070 12 34 56", "077 12 34 56"])
    func emergencyNumbers(number: String) {
        #expect(BelgianNumberPlan.isEmergencyOrSpecial(number))
    }

    @Test(
        "ordinary numbers are not special",
        arguments: ["+32470206100", "02 123 45 67", "09 212 34 56", "0800 12 345", "11", "11200", "1160001", "+3310", "sip:112@host"])
    func ordinaryNumbers(number: String) {
        #expect(!BelgianNumberPlan.isEmergencyOrSpecial(number))
    }
}
