/// Which of the process's listeners are up; `GET /health` answers 200 only when all are.
public actor ListenerHealth {
    private let expected: [String]
    private var ready: [String: String] = [:]

    /// `expected` names every listener the process opens (e.g. `http`).
    public init(expected: [String]) {
        self.expected = expected
    }

    public func markReady(_ listener: String, address: String) {
        ready[listener] = address
    }

    /// Each expected listener with its address, or nil while it is not up yet.
    public func snapshot() -> [(name: String, address: String?)] {
        expected.map { ($0, ready[$0]) }
    }
}
