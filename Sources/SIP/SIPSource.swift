/// Where a message came from and how to answer it: the transport knows the socket.
public struct SIPSource: Sendable {
    public enum Transport: String, Sendable { case udp, tcp }
    public let transport: Transport
    public let address: String
    public let port: Int
    /// Sends bytes back: to the address a response must go to (UDP) or on the connection (TCP).
    let send: @Sendable (_ bytes: [UInt8], _ host: String, _ port: Int) -> Void

    public var description: String { "\(transport.rawValue):\(address):\(port)" }
}
