/// Where Parley sends a request it starts: over UDP to an address, or on the TCP connection a
/// peer opened from that address (a softphone registered over TCP).
public struct SIPDestination: Sendable, Equatable {
    public let transport: SIPSource.Transport
    public let host: String
    public let port: Int
    /// A softphone's registration flow (where its REGISTER came from): requests later in the
    /// dialog go there too, whatever private address its Contact names.
    public let isFlow: Bool

    public init(transport: SIPSource.Transport = .udp, host: String, port: Int, isFlow: Bool = false) {
        self.transport = transport
        self.host = host
        self.port = port
        self.isFlow = isFlow
    }
}
