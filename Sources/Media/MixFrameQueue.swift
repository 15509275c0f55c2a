/// A participant's mixes waiting for its session's clock (the mixer runs on its own loop):
/// up to eight 20 ms frames (at 8 or 16 kHz), each with the room's one shared encoding when
/// the frame is the mix everyone silent hears. Its storage is made once; when full, the
/// oldest frame goes.
struct MixFrameQueue {
    static let capacity = 8
    /// Room for one 20 ms frame at 16 kHz.
    static let frameSamples = 320
    /// Room for one encoded frame (Opus at Parley's 24 kb/s needs about 60 bytes).
    static let packetBytes = 256

    private var samples = [Int16](repeating: 0, count: capacity * frameSamples)
    private var packets = [UInt8](repeating: 0, count: capacity * packetBytes)
    private var lengths = [Int](repeating: 0, count: capacity)
    private var sampleCounts = [Int](repeating: 0, count: capacity)
    private var start = 0
    private(set) var count = 0

    /// Queues one 20 ms frame and, if not empty, its shared encoding.
    mutating func push(_ frame: UnsafeBufferPointer<Int16>, encoded: UnsafeRawBufferPointer) {
        if count == Self.capacity {
            start = (start + 1) % Self.capacity
            count -= 1
        }
        let slot = (start + count) % Self.capacity
        let sampleCount = min(frame.count, Self.frameSamples)
        samples.withUnsafeMutableBufferPointer { storage in
            _ = UnsafeMutableBufferPointer(rebasing: storage[(slot * Self.frameSamples)..<(slot * Self.frameSamples + sampleCount)])
                .update(fromContentsOf: frame.prefix(sampleCount))
        }
        sampleCounts[slot] = sampleCount
        let length = min(encoded.count, Self.packetBytes)
        packets.withUnsafeMutableBytes { storage in
            UnsafeMutableRawBufferPointer(rebasing: storage[(slot * Self.packetBytes)..<(slot * Self.packetBytes + length)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: encoded[..<length]))
        }
        lengths[slot] = length
        count += 1
    }

    /// The oldest frame into `frame` (zeros after its samples) and its shared encoding, if
    /// any, into `encoded`: gives the encoding's length (0: none, encode the samples), nil
    /// when nothing is queued.
    mutating func pop(into frame: UnsafeMutableBufferPointer<Int16>, encoded: UnsafeMutableRawBufferPointer) -> Int? {
        guard count > 0 else { return nil }
        let slot = start
        let sampleCount = min(sampleCounts[slot], frame.count)
        samples.withUnsafeBufferPointer { storage in
            _ = frame.update(fromContentsOf: storage[(slot * Self.frameSamples)..<(slot * Self.frameSamples + sampleCount)])
        }
        if sampleCount < frame.count { UnsafeMutableBufferPointer(rebasing: frame[sampleCount...]).update(repeating: 0) }
        let length = min(lengths[slot], encoded.count)
        packets.withUnsafeBytes { storage in
            UnsafeMutableRawBufferPointer(rebasing: encoded[..<length])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[(slot * Self.packetBytes)..<(slot * Self.packetBytes + length)]))
        }
        start = (start + 1) % Self.capacity
        count -= 1
        return length
    }
}
