/// What one account may use at once, where the operator set it apart from the defaults of
/// `parley serve` (nil: the default). Kept on the account; set by an administrator.
public struct AccountLimits: Sendable, Equatable {
    /// Call legs in progress at once (inbound, outbound and dialled ones alike).
    public var concurrentCalls: Int?
    /// New call legs per second (a burst of that many, refilled at that rate).
    public var callsPerSecond: Int?
    /// Characters in one `<Say>`.
    public var sayCharacters: Int?

    public init(concurrentCalls: Int? = nil, callsPerSecond: Int? = nil, sayCharacters: Int? = nil) {
        self.concurrentCalls = concurrentCalls
        self.callsPerSecond = callsPerSecond
        self.sayCharacters = sayCharacters
    }
}
