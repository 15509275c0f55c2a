import SIPMessages

/// How Parley reaches the far end inside an established dialog (RFC 3261 §12.1–12.2.1.1): the
/// dialog's identifiers, the remote target from the far end's Contact, and the route set from
/// Record-Route. Builds the requests Parley sends in it (BYE, ACK for a 2xx).
struct DialogRoute: Sendable {
    let callID: String
    /// Our side as a From value, with our tag.
    let local: String
    /// The far end as a To value, with its tag.
    let remote: String
    let remoteTarget: String
    /// Route values, first hop first.
    let routeSet: [String]
    /// Where a softphone's requests come from (its NAT's mapping), when the far end is one:
    /// its Contact may name a private address that cannot be reached.
    var flow: (host: String, port: Int)? = nil

    /// Where the next request goes: the first route when it is a loose router, else a
    /// softphone's flow, else the remote target (strict routing, RFC 2543, is not supported).
    var nextHop: (host: String, port: Int)? {
        if routeSet.isEmpty, let flow { return flow }
        let uri = routeSet.first.flatMap { NameAddress($0)?.uri } ?? SIPURI(remoteTarget)
        guard let uri else { return nil }
        return (uri.host, uri.port ?? 5060)
    }

    func request(_ method: String, cseq: UInt64, via: String, contact: String?) -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", via)
        for route in routeSet { headers.add("Route", route) }
        headers.add("Max-Forwards", "70")
        headers.add("From", local)
        headers.add("To", remote)
        headers.add("Call-ID", callID)
        headers.add("CSeq", "\(cseq) \(method)")
        if let contact { headers.add("Contact", contact) }
        return SIPRequest(method: method, uri: remoteTarget, headers: headers)
    }
}
