/// What Parley writes where a peer must reach it: the host in Via, Contact and From (SIP) and in
/// SDP `o=`/`c=` (RTP). An operator's `--sip-advertise`/`--rtp-advertise` wins (a public address
/// in front of a NAT); else a specific bind address; else, on a wildcard bind, the address of the
/// interface that routes toward the peer, looked up per peer, so a peer on another network never
/// reads 127.0.0.1.
public struct AdvertisedAddresses: Sendable, Equatable {
    /// The address the listeners are bound to; `0.0.0.0` or `::` for every interface.
    public var bindHost: String
    /// The SIP host and port an operator advertises; its port, when given, replaces the bound one.
    public var sip: HostPort?
    /// The host an operator advertises for RTP.
    public var rtp: String?

    public init(bindHost: String, sip: HostPort? = nil, rtp: String? = nil) {
        self.bindHost = bindHost
        self.sip = sip
        self.rtp = rtp
    }

    /// The SIP host toward `peer` (an IP address; a name is looked up as no route).
    public func sipHost(toward peer: String) -> String {
        sip?.host ?? local(toward: peer)
    }

    /// The SIP port to advertise, given the port the transport is bound to.
    public func sipPort(bound: Int) -> Int {
        sip?.port ?? bound
    }

    /// The RTP host toward `peer`: `--rtp-advertise`, else the SIP advertised host, else local.
    public func rtpHost(toward peer: String) -> String {
        rtp ?? sip?.host ?? local(toward: peer)
    }

    private func local(toward peer: String) -> String {
        guard IPAddress.isWildcard(bindHost) else { return bindHost }
        if let address = RouteLookup.localAddress(toward: peer) { return address }
        return bindHost == "0.0.0.0" ? "127.0.0.1" : "::1"
    }
}
