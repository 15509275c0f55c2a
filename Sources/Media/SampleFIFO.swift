/// A fixed-capacity queue of 8 kHz samples between two event loops (a participant's far end
/// and a conference mixer): written in packets of any size, read in 20 ms frames. When it
/// overflows (the writer's clock runs fast), the oldest samples go. Its storage is made once.
struct SampleFIFO {
    private var storage: [Int16]
    private var start = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [Int16](repeating: 0, count: capacity)
    }

    mutating func push(_ samples: UnsafeBufferPointer<Int16>) {
        let capacity = storage.count
        storage.withUnsafeMutableBufferPointer { buffer in
            for sample in samples {
                if count == capacity {
                    start = (start + 1) % capacity
                    count -= 1
                }
                buffer[(start + count) % capacity] = sample
                count += 1
            }
        }
    }

    /// Takes `frame.count` samples if that many are there; false (nothing taken) otherwise.
    mutating func pop(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard count >= frame.count else { return false }
        let capacity = storage.count
        storage.withUnsafeBufferPointer { buffer in
            for index in 0..<frame.count { frame[index] = buffer[(start + index) % capacity] }
        }
        start = (start + frame.count) % capacity
        count -= frame.count
        return true
    }
}
