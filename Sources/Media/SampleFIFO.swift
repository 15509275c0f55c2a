/// A fixed-capacity queue of 8 kHz samples between two event loops (a participant's far end
/// and a conference mixer): written in packets of any size, read in 20 ms frames. When it
/// overflows (the writer's clock runs fast), the oldest samples go. Its storage is made once,
/// and samples move in at most two contiguous copies each way.
struct SampleFIFO {
    private var storage: [Int16]
    private var start = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [Int16](repeating: 0, count: capacity)
    }

    mutating func push(_ samples: UnsafeBufferPointer<Int16>) {
        let capacity = storage.count
        var source = samples
        if source.count > capacity { source = UnsafeBufferPointer(rebasing: source[(source.count - capacity)...]) }
        let overflow = count + source.count - capacity
        if overflow > 0 {
            start = (start + overflow) % capacity
            count -= overflow
        }
        var end = (start + count) % capacity
        storage.withUnsafeMutableBufferPointer { buffer in
            var remaining = source[...]
            while !remaining.isEmpty {
                let chunk = min(remaining.count, capacity - end)
                _ = UnsafeMutableBufferPointer(rebasing: buffer[end..<(end + chunk)]).update(fromContentsOf: remaining.prefix(chunk))
                remaining = remaining.dropFirst(chunk)
                end = (end + chunk) % capacity
            }
        }
        count += source.count
    }

    /// Takes `frame.count` samples if that many are there; false (nothing taken) otherwise.
    mutating func pop(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard count >= frame.count else { return false }
        let capacity = storage.count
        storage.withUnsafeBufferPointer { buffer in
            let first = min(frame.count, capacity - start)
            _ = UnsafeMutableBufferPointer(rebasing: frame[0..<first]).update(fromContentsOf: buffer[start..<(start + first)])
            if first < frame.count {
                _ = UnsafeMutableBufferPointer(rebasing: frame[first...]).update(fromContentsOf: buffer[0..<(frame.count - first)])
            }
        }
        start = (start + frame.count) % capacity
        count -= frame.count
        return true
    }
}
