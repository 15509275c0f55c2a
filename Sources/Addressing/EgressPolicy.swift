/// Which addresses a tenant may make Parley reach, by a SIP target or a webhook URL: never
/// Parley's own listeners, and nothing in a reserved block (the operator's network, loopback,
/// cloud metadata at 169.254.169.254) unless the operator's allow-list names it.
public struct EgressPolicy: Sendable {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// A loopback, private, link-local, CGNAT, multicast or other non-public address.
        case reserved(String)
        /// One of Parley's own listeners.
        case parley(String)

        public var description: String {
            switch self {
            case .reserved(let address): "\(address) is not a public address"
            case .parley(let address): "\(address) is Parley itself"
            }
        }
    }

    private let allowed: [AddressRange]
    private let ownPorts: Set<Int>
    private let ownAddresses: Set<String>

    /// - Parameters:
    ///   - allowed: the operator's blocks that may be reached although reserved.
    ///   - ownPorts: the ports Parley listens on (SIP, SIP over TLS, HTTP).
    ///   - ownAddresses: this host's addresses; loopback and the wildcard always count.
    public init(allowed: [AddressRange], ownPorts: Set<Int>, ownAddresses: [String] = LocalInterfaces.addresses()) {
        self.allowed = allowed
        self.ownPorts = ownPorts
        self.ownAddresses = Set(ownAddresses.map(IPAddress.unmapped))
    }

    /// Nil when `address`:`port` may be reached, else why not.
    public func refusal(address: String, port: Int) -> Refusal? {
        let address = IPAddress.unmapped(address)
        let display = HostPort(host: address, port: port).description
        if ownPorts.contains(port),
            IPAddress.isLoopback(address) || IPAddress.isWildcard(address) || ownAddresses.contains(address)
        {
            return .parley(display)
        }
        if ReservedAddresses.contains(address), !allowed.contains(where: { $0.contains(address) }) {
            return .reserved(display)
        }
        return nil
    }
}
