import SIPMessages

/// Where a message came from and how to answer it: the transport knows the socket.
public struct SIPSource: Sendable {
    public enum Transport: String, Sendable {
        case udp, tcp, tls

        /// Whether what travels on it is encrypted (SDES keys are readable otherwise).
        public var isSecure: Bool { self == .tls }
        /// Whether it delivers by itself (a stream): nothing is retransmitted over it.
        public var isReliable: Bool { self != .udp }
    }
    public let transport: Transport
    public let address: String
    public let port: Int
    /// Sends bytes back: to the address a response must go to (UDP) or on the connection (TCP).
    let send: @Sendable (_ bytes: [UInt8], _ host: String, _ port: Int) -> Void

    public var description: String { "\(transport.rawValue):\(address):\(port)" }

    /// Sends a response to a request that came from here (RFC 3261 §18.2.2 with RFC 3581): to
    /// the source address, at the source port when the top Via asked for `rport` (or over
    /// TCP, on the connection), else at the Via's port.
    func reply(_ bytes: [UInt8], via: Via?) {
        let replyPort = (via?.parameters["rport"] != nil || transport.isReliable) ? port : (via?.port ?? 5060)
        SIPMetrics.sent(bytes)
        send(bytes, address, replyPort)
    }
}
