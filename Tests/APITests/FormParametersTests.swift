import Testing

@testable import API
@testable import Store

@Suite("Form parameters")
struct FormParametersTests {
    @Test("percent-encoding and plus signs decode; the last repeated value wins")
    func decoding() throws {
        let form = try FormParameters(encoded: "FriendlyName=Hello+World%21&Url=https%3A%2F%2Fe.test%2Fa%3Fb%3D1&X=1&X=2&Empty=")
        #expect(form.string("FriendlyName") == "Hello World!")
        #expect(form.string("Url") == "https://e.test/a?b=1")
        #expect(form.string("X") == "2")
        #expect(form.string("Empty") == "")
        #expect(form.string("Missing") == nil)
    }

    @Test("malformed percent-encoding or UTF-8 is a 400", arguments: ["A=%zz", "A=%4", "A=%", "A=%ff%fe", "%C3=1"])
    func malformedEncoding(body: String) {
        #expect(throws: APIError.self) { try FormParameters(encoded: body) }
    }

    @Test("multi-byte UTF-8 decodes")
    func utf8() throws {
        #expect(try FormParameters(encoded: "Name=Li%C3%A8ge").string("Name") == "Liège")
    }

    @Test("typed accessors name the parameter in their errors")
    func typedErrors() throws {
        let form = try FormParameters(encoded: "M=PUT&U=nope&B=maybe&N=99&S=APxyz&Q=http%3A%2F%2F")
        #expect(throws: APIError.invalidParameter("M", "must be GET or POST")) { try form.method("M") }
        #expect(throws: APIError.self) { try form.url("U") }
        #expect(throws: APIError.self) { try form.url("Q") }
        #expect(throws: APIError.invalidParameter("B", "must be true or false")) { try form.bool("B") }
        #expect(throws: APIError.self) { try form.integer("N", in: 1...10) }
        #expect(throws: APIError.self) { () throws -> ApplicationSid?? in try form.sid("S") }
        #expect(throws: APIError.missingParameter("Absent")) { try form.requiredString("Absent") }
    }

    @Test("an empty URL clears the field; methods are case-insensitive")
    func clearing() throws {
        let form = try FormParameters(encoded: "U=&M=get")
        let cleared = try form.url("U")
        #expect(cleared != nil && cleared! == nil)
        #expect(try form.method("M") == .get)
    }

    @Test("paging parameters are validated and default to page 0 of 50")
    func paging() throws {
        #expect(try FormParameters(encoded: "").pageRequest() == PageRequest(page: 0, size: 50))
        #expect(try FormParameters(encoded: "Page=3&PageSize=20").pageRequest().offset == 60)
        #expect(throws: APIError.self) { try FormParameters(encoded: "PageSize=0").pageRequest() }
        #expect(throws: APIError.self) { try FormParameters(encoded: "Page=x").pageRequest() }
    }
}
