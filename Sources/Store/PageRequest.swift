/// A window onto an ordered list: Twilio's `Page` (0-based) and `PageSize`.
public struct PageRequest: Sendable, Equatable {
    public static let maximumSize = 1000
    public static let defaultSize = 50

    public let page: Int
    public let size: Int

    /// Callers validate the numbers at the edge; here they are only clamped into range.
    public init(page: Int = 0, size: Int = PageRequest.defaultSize) {
        self.page = max(0, page)
        self.size = min(max(1, size), Self.maximumSize)
    }

    public var offset: Int { page * size }
}

/// One page of results with the total count, from which the paging links are derived.
public struct PageResult<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int
    public let request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    /// The index of the last page that holds anything (0 for an empty list).
    public var lastPage: Int { total == 0 ? 0 : (total - 1) / request.size }
}
