import Addressing
import SIPMessages

/// Where Parley sends a request it starts: over UDP to an address, or on the TCP connection a
/// peer opened from that address (a softphone registered over TCP).
public struct SIPDestination: Sendable, Equatable {
    public let transport: SIPSource.Transport
    public let host: String
    public let port: Int
    /// A softphone's registration flow (where its REGISTER came from): requests later in the
    /// dialog go there too, whatever private address its Contact names.
    public let isFlow: Bool
    /// The name `host` was resolved from, if any: a TLS peer must show a certificate for it
    /// (and is told it, SNI); else for its address.
    public let serverName: String?

    public init(transport: SIPSource.Transport = .udp, host: String, port: Int, isFlow: Bool = false, serverName: String? = nil) {
        self.transport = transport
        self.host = host
        self.port = port
        self.isFlow = isFlow
        self.serverName = serverName
    }

    /// Where a request for `uri` goes, its host already resolved to `address`: over TLS for
    /// `sips:` or `;transport=tls` (port 5061 unless given), over TCP for `;transport=tcp`,
    /// else over UDP (port 5060 unless given).
    public init(uri: SIPURI, address: String) {
        let named = uri.parameters["transport"]?.lowercased()
        let transport: SIPSource.Transport = uri.scheme == "sips" || named == "tls" ? .tls : named == "tcp" ? .tcp : .udp
        self.init(
            transport: transport, host: address, port: uri.port ?? (transport == .tls ? 5061 : 5060),
            serverName: IPAddress.isLiteral(uri.host) ? nil : uri.host)
    }
}
