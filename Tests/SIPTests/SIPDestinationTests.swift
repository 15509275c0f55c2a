import Testing

@testable import SIP
@testable import SIPMessages

@Suite("Where a request for a URI goes")
struct SIPDestinationTests {
    @Test(
        "sips: and transport=tls go over TLS (5061 by default), transport=tcp over TCP, the rest over UDP (5060)",
        arguments: [
            ("sips:bob@example.net", SIPSource.Transport.tls, 5061),
            ("sip:bob@example.net;transport=tls", .tls, 5061),
            ("sips:bob@example.net:5071", .tls, 5071),
            ("sip:gw.example.net;transport=TCP", .tcp, 5060),
            ("sip:+3222060700@gw.example.net:5080", .udp, 5080),
        ])
    func transports(uri: String, transport: SIPSource.Transport, port: Int) throws {
        let destination = SIPDestination(uri: try #require(SIPURI(uri)), address: "198.18.1.2")
        #expect(destination.transport == transport && destination.port == port && destination.host == "198.18.1.2")
    }

    @Test("a destination reached by name keeps the name for TLS; one given by address has none")
    func serverName() throws {
        #expect(SIPDestination(uri: try #require(SIPURI("sips:bob@phone.example.net")), address: "198.18.1.2").serverName == "phone.example.net")
        #expect(SIPDestination(uri: try #require(SIPURI("sips:bob@198.18.1.2")), address: "198.18.1.2").serverName == nil)
    }
}
