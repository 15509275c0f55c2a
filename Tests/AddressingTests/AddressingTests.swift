import Testing

@testable import Addressing

@Suite("Host and port as operators write them")
struct HostPortTests {
    @Test(
        "each form parses into its host and port",
        arguments: [
            ("sip.example.net", "sip.example.net", nil),
            ("198.51.100.7:5070", "198.51.100.7", 5070),
            ("[2001:db8::1]:5060", "2001:db8::1", 5060),
            ("[2001:db8::1]", "2001:db8::1", nil),
            ("2001:db8::1", "2001:db8::1", nil),
        ] as [(String, String, Int?)])
    func parses(text: String, host: String, port: Int?) {
        let parsed = HostPort(text)
        #expect(parsed?.host == host)
        #expect(parsed?.port == port)
    }

    @Test("malformed values are refused", arguments: ["", ":5060", "host:0", "host:70000", "host:x", "http://x", "[::1", "a b"])
    func refuses(text: String) {
        #expect(HostPort(text) == nil)
    }

    @Test("IPv6 hosts are bracketed where a URI or a Via holds them")
    func brackets() {
        #expect(HostPort(host: "2001:db8::1", port: 5060).description == "[2001:db8::1]:5060")
        #expect(HostPort(host: "198.18.0.1").uriHost == "198.18.0.1")
    }
}

@Suite("Address blocks")
struct AddressRangeTests {
    @Test("a block holds the addresses under its prefix and no others")
    func contains() throws {
        let block = try #require(AddressRange("198.18.0.0/15"))
        #expect(block.contains("198.18.0.1"))
        #expect(block.contains("198.19.255.254"))
        #expect(!block.contains("198.20.0.1"))
        #expect(block.contains("::ffff:198.18.3.4"))
        #expect(!block.contains("2001:db8::1"))
    }

    @Test("a plain address is a block of one; IPv6 prefixes work the same")
    func single() throws {
        #expect(try #require(AddressRange("127.0.0.1")).contains("127.0.0.1"))
        #expect(try #require(AddressRange("127.0.0.1")).contains("127.0.0.2") == false)
        let v6 = try #require(AddressRange("2001:db8::/32"))
        #expect(v6.contains("2001:db8:ffff::1"))
        #expect(!v6.contains("2001:db9::1"))
        #expect(v6.description == "2001:db8::/32")
    }

    @Test("malformed blocks are refused", arguments: ["10.0.0.0/33", "host/8", "10.0.0.0/", "::/129", "1.2.3.4/8/1"])
    func refuses(text: String) {
        #expect(AddressRange(text) == nil)
    }
}

@Suite("Advertised addresses")
struct AdvertisedAddressesTests {
    @Test("a wildcard bind names the interface that routes toward the peer: loopback toward loopback")
    func routeTowardLoopback() {
        let addresses = AdvertisedAddresses(bindHost: "0.0.0.0")
        #expect(addresses.sipHost(toward: "127.0.0.1") == "127.0.0.1")
        #expect(addresses.rtpHost(toward: "127.0.0.5") == "127.0.0.1")
        #expect(RouteLookup.localAddress(toward: "::1") == "::1")
    }

    @Test("a peer off the machine never reads a loopback address", .enabled(if: RouteLookup.localAddress(toward: "198.18.0.1") != nil))
    func routeTowardOtherHosts() throws {
        let local = try #require(RouteLookup.localAddress(toward: "198.18.0.1"))
        #expect(!IPAddress.isLoopback(local))
        #expect(AdvertisedAddresses(bindHost: "0.0.0.0").sipHost(toward: "198.18.0.1") == local)
    }

    @Test("a specific bind address is written as it is")
    func specificBind() {
        let addresses = AdvertisedAddresses(bindHost: "127.0.0.1")
        #expect(addresses.sipHost(toward: "192.0.2.1") == "127.0.0.1")
        #expect(addresses.sipPort(bound: 5080) == 5080)
    }

    @Test("the operator's advertised addresses win, the SIP one also standing for RTP unless RTP has its own")
    func advertised() {
        let sipOnly = AdvertisedAddresses(bindHost: "0.0.0.0", sip: HostPort(host: "203.0.113.9", port: 5099))
        #expect(sipOnly.sipHost(toward: "127.0.0.1") == "203.0.113.9")
        #expect(sipOnly.sipPort(bound: 5060) == 5099)
        #expect(sipOnly.rtpHost(toward: "127.0.0.1") == "203.0.113.9")
        let both = AdvertisedAddresses(bindHost: "0.0.0.0", sip: HostPort(host: "sip.example.net"), rtp: "203.0.113.10")
        #expect(both.sipPort(bound: 5060) == 5060)
        #expect(both.rtpHost(toward: "127.0.0.1") == "203.0.113.10")
    }
}

@Suite("What a tenant may make Parley reach")
struct EgressPolicyTests {
    let policy = EgressPolicy(allowed: [AddressRange("10.1.0.0/16")!], ownPorts: [5060, 8080], ownAddresses: ["203.0.113.9"])

    @Test(
        "reserved blocks are refused unless allowed",
        arguments: [
            "127.0.0.1", "127.3.4.5", "169.254.169.254", "10.0.0.1", "172.16.5.5", "192.168.1.1", "100.64.0.1", "198.18.0.1",
            "224.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-address",
        ])
    func reserved(address: String) {
        #expect(policy.refusal(address: address, port: 80) == .reserved(HostPort(host: IPAddress.unmapped(address), port: 80).description))
    }

    @Test("public addresses pass, and so do reserved ones the operator allowed", arguments: ["8.8.8.8", "2a00:1450::1", "10.1.2.3"])
    func allowed(address: String) {
        #expect(policy.refusal(address: address, port: 443) == nil)
    }

    @Test("Parley's own listeners are refused on any of its addresses, even allowed ones")
    func itself() {
        #expect(policy.refusal(address: "127.0.0.1", port: 5060) == .parley("127.0.0.1:5060"))
        #expect(policy.refusal(address: "203.0.113.9", port: 8080) == .parley("203.0.113.9:8080"))
        let lab = EgressPolicy(allowed: [AddressRange("127.0.0.0/8")!], ownPorts: [5060], ownAddresses: [])
        #expect(lab.refusal(address: "127.0.0.1", port: 5070) == nil)
        #expect(lab.refusal(address: "127.0.0.1", port: 5060) == .parley("127.0.0.1:5060"))
    }

    @Test("this host's interface addresses are listed")
    func interfaces() {
        #expect(LocalInterfaces.addresses().contains("127.0.0.1"))
    }
}

@Suite("Sources and connection quotas")
struct ConnectionQuotaTests {
    @Test("an IPv6 /64 is one source; IPv4-mapped addresses are their IPv4 address; other text stays itself")
    func sources() {
        #expect(SourceGroup.key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(SourceGroup.key("2001:db8:1:2::9") == SourceGroup.key("2001:db8:1:2:ffff::1"))
        #expect(SourceGroup.key("::ffff:198.18.0.7") == "198.18.0.7")
        #expect(SourceGroup.key("AC00000000000000000000000000000000") == "AC00000000000000000000000000000000")
    }

    @Test("a source gets its share of connections and the whole machine its total; closing gives places back")
    func quota() {
        let quota = ConnectionQuota(perSource: 2, total: 3)
        #expect(quota.admit("198.18.0.1") && quota.admit("198.18.0.1"))
        #expect(!quota.admit("198.18.0.1"))
        #expect(quota.admit("2001:db8::1"))
        #expect(!quota.admit("198.18.0.9"))  // the total is reached
        quota.release("198.18.0.1")
        #expect(quota.count("198.18.0.1") == 1)
        #expect(quota.admit("198.18.0.9"))
    }
}
