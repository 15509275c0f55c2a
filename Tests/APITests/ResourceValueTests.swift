import Foundation
import Testing

@testable import API
import Store

@Suite("Resource rendering")
struct ResourceValueTests {
    @Test("JSON escapes quotes, backslashes and control characters")
    func jsonEscaping() throws {
        let value = ResourceValue.object(["text": .string("a\"b\\c\n\u{1}é"), "none": .null, "n": .integer(-3), "b": .boolean(true)])
        #expect(value.json == #"{"text":"a\"b\\c\n\u0001é","none":null,"n":-3,"b":true}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(value.json.utf8)) as? [String: Any]
        #expect(parsed?["text"] as? String == "a\"b\\c\n\u{1}é")
    }

    @Test("XML element names are PascalCase of the JSON keys and text is escaped")
    func xmlNames() {
        let value = ResourceValue.object(["date_created": .string("<now> & 'then'"), "voice_url": .null])
        #expect(value.xml(named: "Application") == "<Application><DateCreated>&lt;now&gt; &amp; &apos;then&apos;</DateCreated><VoiceUrl/></Application>")
    }

    @Test("a page puts paging fields beside the items in JSON and as attributes in XML")
    func pageRendering() {
        let page = ResourceValue.page(
            key: "applications", element: "Application",
            paging: [.init("page", .integer(0)), .init("next_page_uri", .null)],
            items: [.object(["sid": .string("AP1")])])
        #expect(page.json == #"{"page":0,"next_page_uri":null,"applications":[{"sid":"AP1"}]}"#)
        #expect(page.xml(named: "Applications") == #"<Applications page="0" nextpageuri=""><Application><Sid>AP1</Sid></Application></Applications>"#)
    }

    @Test("dates are RFC 2822 in GMT")
    func rfc2822() {
        #expect(RFC2822Date.format(Date(timeIntervalSince1970: 1_440_115_645)) == "Fri, 21 Aug 2015 00:07:25 +0000")
        #expect(RFC2822Date.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
    }
}
