/// Which of the process's listeners are up, and whether the process is draining; `GET /health`
/// answers 200 only when all are up and it is not.
public actor ListenerHealth {
    private let expected: [String]
    private var ready: [String: String] = [:]
    /// Set once shutdown began: load balancers should send new work elsewhere.
    public private(set) var draining = false

    /// `expected` names every listener the process opens (e.g. `http`).
    public init(expected: [String]) {
        self.expected = expected
    }

    public func markReady(_ listener: String, address: String) {
        ready[listener] = address
    }

    public func markDraining() {
        draining = true
    }

    /// Each expected listener with its address, or nil while it is not up yet.
    public func snapshot() -> [(name: String, address: String?)] {
        expected.map { ($0, ready[$0]) }
    }
}
