import Addressing
import SIPMessages
import Synchronization

/// The carrier's side of the PSTN: the gateways Parley sends PSTN calls to (`--trunk`, in order
/// of preference; by URI, host name or IP) and the sources it takes PSTN calls from, which are
/// every address those gateways resolve to plus the operator's `--trunk-source` blocks. Nothing
/// else is a trunk, loopback included. Names are resolved again by `refresh()`, so a gateway
/// that moves in DNS is followed.
public final class Trunks: Sendable {
    /// One gateway and the addresses its host resolved to when last refreshed.
    public struct Gateway: Sendable, Equatable {
        public let uri: SIPURI
        public fileprivate(set) var addresses: [String] {
            didSet { ranges = addresses.compactMap(AddressRange.init) }
        }
        /// The addresses parsed once, for matching the source of every INVITE.
        fileprivate var ranges: [AddressRange] = []

        init(uri: SIPURI, addresses: [String]) {
            self.uri = uri
            self.addresses = addresses
            ranges = addresses.compactMap(AddressRange.init)
        }

        /// Where its INVITEs go: the first address it resolved to, over the URI's transport and
        /// at its port.
        public var destination: SIPDestination? {
            addresses.first.map { SIPDestination(uri: uri, address: $0) }
        }
    }

    /// A block of addresses, and optionally one port, that PSTN calls may come from.
    public struct Source: Sendable, Equatable {
        public let range: AddressRange
        public let port: Int?

        /// Parses `address`, `address/length`, `address:port` or `[v6]:port`.
        public init?(_ text: String) {
            if text.contains("/") {
                guard let range = AddressRange(text) else { return nil }
                self.range = range
                port = nil
            } else {
                guard let hostPort = HostPort(text), let range = AddressRange(hostPort.host) else { return nil }
                self.range = range
                port = hostPort.port
            }
        }

        func admits(address: String, port: Int) -> Bool {
            range.contains(address) && (self.port == nil || self.port == port)
        }
    }

    private let state: Mutex<[Gateway]>
    private let sources: [Source]
    /// What Parley answers the gateways' digest challenges with.
    public let credentials: SIPCredentials?

    public init(gateways: [SIPURI], sources: [Source] = [], credentials: SIPCredentials? = nil) {
        state = Mutex(gateways.map { Gateway(uri: $0, addresses: IPAddress.isLiteral($0.host) ? [$0.host] : []) })
        self.sources = sources
        self.credentials = credentials
    }

    /// The gateways in order of preference, with their last resolved addresses.
    public var gateways: [Gateway] { state.withLock { $0 } }

    /// Resolves every gateway's host again (getaddrinfo blocks: call it from a detached task).
    /// A name that does not resolve keeps its last addresses. Returns the gateways whose
    /// addresses changed.
    @discardableResult
    public func refresh() -> [Gateway] {
        let resolved = gateways.map { gateway in
            (gateway.uri, HostResolver.addresses(of: gateway.uri.host))
        }
        return state.withLock { gateways in
            var changed: [Gateway] = []
            for (index, (uri, addresses)) in resolved.enumerated() where index < gateways.count && gateways[index].uri == uri {
                guard !addresses.isEmpty, addresses != gateways[index].addresses else { continue }
                gateways[index].addresses = addresses
                changed.append(gateways[index])
            }
            return changed
        }
    }

    /// Whether a request from `address`:`port` comes from the carrier: any address of a
    /// gateway (carriers send from other ports than they listen on), or a configured source.
    public func admits(address: String, port: Int) -> Bool {
        let address = IPAddress.unmapped(address)
        if sources.contains(where: { $0.admits(address: address, port: port) }) { return true }
        return state.withLock { gateways in
            gateways.contains { $0.ranges.contains { $0.contains(address) } }
        }
    }

    /// Whether a call sent to `address`:`port` would reach the carrier: any address of a
    /// gateway or a source block, whatever the port, so a tenant cannot hand the carrier a
    /// number around the number policy. A loopback gateway or source (a lab) is matched with
    /// its port too, since everything else on the machine shares its address.
    public func reaches(address: String, port: Int) -> Bool {
        let address = IPAddress.unmapped(address)
        let loopback = IPAddress.isLoopback(address)
        if sources.contains(where: { $0.range.contains(address) && (!loopback || $0.port == port) }) { return true }
        return state.withLock { gateways in
            gateways.contains { gateway in
                gateway.ranges.contains { $0.contains(address) } && (!loopback || gateway.destination?.port == port)
            }
        }
    }
}
