import Synchronization

/// Even RTP ports from the configured range, in turn. The media engine will bind them.
public final class MediaPortAllocator: Sendable {
    private let range: ClosedRange<Int>
    private let counter = Atomic<Int>(0)

    public init(range: ClosedRange<Int>) {
        self.range = range
    }

    func next() -> Int {
        let slots = max(1, (range.upperBound - range.lowerBound + 1) / 2)
        let index = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return range.lowerBound + (index % slots) * 2 + (range.lowerBound % 2)
    }
}
