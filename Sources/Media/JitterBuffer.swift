/// An adaptive playout buffer for one received RTP stream, read once per 20 ms tick.
///
/// Packets are kept by timestamp in a ring of fixed slots (made once: nothing is allocated
/// per packet). Playout follows an offset between the sender's timestamps and this side's
/// clock, estimated from the transit times (arrival minus timestamp) of the last `window`
/// packets: their trend (a least-squares line, which is the drift between the sender's clock
/// and this one) plus the `quantile` of what is left around it, so the buffer holds as much
/// delay as the recent jitter needs and no more, and follows a drifting clock without lag.
/// Each tick plays the frame due; when the playout point falls a frame behind that offset
/// (the sender's clock runs fast, or the jitter shrank) a frame is skipped, and when it would
/// play a frame before it is due (the sender's clock runs slow, or the jitter grew) a
/// concealed frame is inserted instead. A packet arriving after its frame was played is late;
/// a repeated one is dropped. A new SSRC or a timestamp jump (a new stream, a restarted
/// sender) is placed on the same timeline right after what is held, with the transit the
/// last packet had, so neither the packets held nor the delay estimate are lost. After five
/// concealed frames with nothing held the stream counts as paused (silence suppression, hold):
/// ticks are idle until it resumes. Packets are expected every 20 ms (other sizes fall off
/// the frame grid).
public final class JitterBuffer {
    /// What the buffer did with a stream so far.
    public struct Statistics: Sendable, Equatable {
        /// Packets handed to `put` (repeats excluded).
        public var arrived = 0
        public var played = 0
        /// Packets that arrived after their frame had been played (or concealed).
        public var late = 0
        /// Packets skipped to bring the delay down.
        public var skipped = 0
        public var duplicates = 0
        /// Ticks that gave a concealed frame, among `ticks` since playout began.
        public var concealed = 0
        public var ticks = 0
        /// The sum over played packets of (played at − arrived at), in clock units.
        public var delayUnits: Int64 = 0

        /// The share of arrived packets that will never be played: late or skipped (not those
        /// still held).
        public var lateLossRate: Double { arrived == 0 ? 0 : Double(late + skipped) / Double(arrived) }
        public var concealmentRatio: Double { ticks == 0 ? 0 : Double(concealed) / Double(ticks) }
        public func addedDelayMilliseconds(clockRate: Int) -> Double {
            played == 0 ? 0 : Double(delayUnits) / Double(played) / Double(clockRate) * 1000
        }
    }

    /// What a tick gives.
    public enum Frame {
        /// Nothing to play yet (before the first packet is due).
        case idle
        /// The packet due now; its bytes stay valid until the next `put` or `pop`.
        case packet(UnsafeRawBufferPointer)
        /// The frame due now is missing: conceal it. `next` is the packet after it when that
        /// one is already here (Opus rebuilds the missing frame from its FEC).
        case missing(next: UnsafeRawBufferPointer?)
    }

    public let clockRate: Int
    /// Timestamp units in one 20 ms frame.
    public let frameUnits: Int64
    public private(set) var statistics = Statistics()

    private let capacity: Int
    private let slotBytes: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var slotTimestamps: [Int64]
    private var slotLengths: [Int]
    private var slotArrivals: [Int64]

    /// The transit times of the last packets with their arrivals, and the largest of them
    /// (detrended) while selecting the quantile.
    private var transits: [Int64]
    private var arrivals: [Int64]
    private var scratch: [Int64]
    /// The smallest transit of each span of the window, and the slopes between them (made
    /// once, reused by every estimate).
    private var bucketMinima = [(transit: Int64, arrival: Int64)](repeating: (.max, 0), count: driftBuckets)
    private var slopes = [Double](repeating: 0, count: driftBuckets * (driftBuckets - 1) / 2)
    private var transitCount = 0
    private var transitNext = 0
    private let quantile: Double
    /// The playout offset: a frame with timestamp t plays at t + offset on this side's clock,
    /// the offset being `base + drift × (now − reference)`.
    private var offset: (base: Int64, drift: Double, reference: Int64)?
    private var packetsSinceEstimate = 0

    private var ssrc: UInt32?
    private var lastTimestamp: UInt32 = 0
    /// Timestamps on one timeline across wraps and restarts, the first packet at 0.
    private var extendedTimestamp: Int64 = 0
    /// The newest packet's timestamp (extended) and transit.
    private var newest: (timestamp: Int64, transit: Int64)?
    /// Concealed ticks in a row with nothing held.
    private var emptyTicks = 0
    /// Ticks in a row at which the frame due was missing though packets are held (none of them
    /// on the playout point's frame grid, or all ahead of it). After as many as the ring holds
    /// (gaps an overflowing burst leaves are shorter), playout starts again from the earliest.
    private var strandedTicks = 0

    /// The extended timestamp of the next frame to play (nil until playout begins).
    private var playout: Int64?

    /// `window` packets of transit history (30 s at 50 packets a second) and the `quantile`
    /// of them that must arrive in time set the delay.
    public init(clockRate: Int, frameUnits: Int, capacity: Int = 32, maximumPayload: Int = 1280, window: Int = 1500, quantile: Double = 0.99) {
        self.clockRate = clockRate
        self.frameUnits = Int64(frameUnits)
        self.capacity = capacity
        self.slotBytes = maximumPayload
        self.quantile = quantile
        storage = .allocate(byteCount: capacity * maximumPayload, alignment: 8)
        slotTimestamps = [Int64](repeating: .min, count: capacity)
        slotLengths = [Int](repeating: 0, count: capacity)
        slotArrivals = [Int64](repeating: 0, count: capacity)
        transits = [Int64](repeating: 0, count: window)
        arrivals = [Int64](repeating: 0, count: window)
        scratch = [Int64](repeating: 0, count: window - Int((Double(window - 1) * quantile).rounded(.up)) + 1)
    }

    deinit {
        storage.deallocate()
    }

    /// A packet as it arrives; `arrival` is this side's clock in the stream's clock units.
    public func put(_ payload: UnsafeRawBufferPointer, timestamp: UInt32, ssrc: UInt32, arrival: Int64) {
        if self.ssrc == nil {
            self.ssrc = ssrc
            lastTimestamp = timestamp
        } else if self.ssrc != ssrc {
            self.ssrc = ssrc
            continueTimeline(timestamp: timestamp, arrival: arrival)
        } else {
            extendedTimestamp += Int64(Int32(bitPattern: timestamp &- lastTimestamp))
            lastTimestamp = timestamp
            // A jump past the ring, forwards or back, is a restarted sender.
            if let newest, abs(extendedTimestamp - newest.timestamp) >= Int64(capacity) * frameUnits {
                continueTimeline(timestamp: timestamp, arrival: arrival)
            }
        }
        let timestamp = extendedTimestamp
        if let playout, timestamp < playout {
            // Too late to play, but its transit still tells how late packets come.
            statistics.arrived += 1
            statistics.late += 1
            noteTransit(arrival - timestamp, arrival: arrival)
            return
        }
        let slot = self.slot(timestamp)
        if slotTimestamps[slot] == timestamp {
            statistics.duplicates += 1
            return
        }
        statistics.arrived += 1
        slotTimestamps[slot] = timestamp
        slotArrivals[slot] = arrival
        let length = min(payload.count, slotBytes)
        slotLengths[slot] = length
        UnsafeMutableRawBufferPointer(rebasing: storage[(slot * slotBytes)..<(slot * slotBytes + length)])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: payload[0..<length]))
        if timestamp > newest?.timestamp ?? .min { newest = (timestamp, arrival - timestamp) }
        noteTransit(arrival - timestamp, arrival: arrival)
    }

    /// The frame for the tick at `now` (this side's clock, in clock units).
    public func pop(now: Int64) -> Frame {
        guard let offset else { return .idle }
        var due = now - offset.base - Int64(offset.drift * Double(now - offset.reference))
        guard var position = playout else {
            // Playout begins with the earliest packet held, once it is due.
            guard let first = earliest(), first <= due else { return .idle }
            playout = first
            return pop(now: now)
        }
        if strandedTicks >= capacity, let first = earliest() {
            // Packets keep arriving but none is ever due where playout stands (their
            // timestamps left the frame grid the stream began on): begin again from the
            // earliest one held, due now.
            strandedTicks = 0
            self.playout = first
            self.offset = (now - first, offset.drift, now)
            position = first
            due = first
        }
        statistics.ticks += 1
        // How far the playout point is behind where the delay estimate puts it: kept within
        // one frame, never ahead (a frame is never played before it is due).
        let lag = due - position
        if lag < 0 {
            // Ahead (the sender's clock is slower, or the jitter grew): a concealed frame
            // stretches the audio while the buffer fills.
            statistics.concealed += 1
            return .missing(next: nil)
        }
        if lag >= 2 * frameUnits {
            // Behind by more than a whole frame (the sender's clock is faster, or the jitter
            // shrank): a frame is skipped. A frame of slack keeps a late tick (a busy loop) or
            // a small step of the estimate from dropping a good packet and then concealing
            // the next tick.
            if take(position) != nil { statistics.skipped += 1 }
            position += frameUnits
        }
        playout = position + frameUnits
        if let (bytes, arrival) = take(position) {
            statistics.played += 1
            statistics.delayUnits += now - arrival
            emptyTicks = 0
            strandedTicks = 0
            return .packet(bytes)
        }
        if earliest() == nil {
            emptyTicks += 1
            if emptyTicks > 5 {
                // Paused: idle ticks, not concealment.
                statistics.ticks -= 1
                return .idle
            }
        } else {
            strandedTicks += 1
        }
        statistics.concealed += 1
        return .missing(next: holds(position + frameUnits) ? bytes(at: slot(position + frameUnits)) : nil)
    }

    private func slot(_ timestamp: Int64) -> Int {
        Int((timestamp / frameUnits) % Int64(capacity) + Int64(capacity)) % capacity
    }

    private func holds(_ timestamp: Int64) -> Bool { slotTimestamps[slot(timestamp)] == timestamp }

    private func bytes(at slot: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[(slot * slotBytes)..<(slot * slotBytes + slotLengths[slot])])
    }

    /// Removes the packet of `timestamp` if held; its bytes stay readable until the slot is reused.
    private func take(_ timestamp: Int64) -> (UnsafeRawBufferPointer, arrival: Int64)? {
        let slot = self.slot(timestamp)
        guard slotTimestamps[slot] == timestamp else { return nil }
        slotTimestamps[slot] = .min
        return (bytes(at: slot), slotArrivals[slot])
    }

    private func earliest() -> Int64? {
        var earliest: Int64?
        for timestamp in slotTimestamps where timestamp != .min && timestamp < (earliest ?? .max) { earliest = timestamp }
        return earliest
    }

    /// Places a new stream's first packet (`timestamp`, arriving at `arrival`) on the timeline
    /// where the last packet's transit puts it, on the frame grid, after everything held.
    private func continueTimeline(timestamp: UInt32, arrival: Int64) {
        lastTimestamp = timestamp
        guard let newest else { return }
        let placed = arrival - newest.transit
        let onGrid = newest.timestamp + (placed - newest.timestamp) / frameUnits * frameUnits
        extendedTimestamp = max(onGrid, newest.timestamp + frameUnits)
    }

    /// Keeps the transit in the window and re-estimates the offset every few packets (and at once
    /// for the first packets of a stream).
    private func noteTransit(_ transit: Int64, arrival: Int64) {
        transits[transitNext] = transit
        arrivals[transitNext] = arrival
        transitNext = (transitNext + 1) % transits.count
        transitCount = min(transitCount + 1, transits.count)
        packetsSinceEstimate += 1
        guard offset == nil || packetsSinceEstimate >= 5 || transitCount < 20 else { return }
        packetsSinceEstimate = 0
        offset = estimate(now: arrival)
    }

    /// The drift between the sender's clock and this one, and the `quantile` of the transits
    /// around that trend (no allocation), plus a quarter frame of margin for the tick's own
    /// phase. The drift is trusted once the transits span two seconds (clamped to ±15%) and is
    /// robust to a stream's start: the window is cut into `driftBuckets` spans of time, each
    /// gives its smallest transit (the path without queueing), and the drift is the median of
    /// the slopes between those minima. A least-squares line through every transit took the
    /// late packets of a busy start for a clock 1–2% slow and cut the delay by tens of
    /// milliseconds, skipping good packets.
    private func estimate(now: Int64) -> (base: Int64, drift: Double, reference: Int64) {
        let count = transitCount
        let k = count - min(count - 1, Int((Double(count - 1) * quantile).rounded(.up)))
        let drift = self.drift(count: count)
        return transits.withUnsafeBufferPointer { transits in
            arrivals.withUnsafeBufferPointer { arrivals in
                scratch.withUnsafeMutableBufferPointer { largest in
                    // The quantile is the k-th largest detrended transit: one pass keeping the
                    // k largest in descending order (k is small: 16 of 1,500 at 99%).
                    var kept = 0
                    for index in 0..<count {
                        let value = transits[index] - Int64(drift * Double(arrivals[index] - now))
                        guard kept < k || value > largest[kept - 1] else { continue }
                        var position = min(kept, k - 1)
                        while position > 0, largest[position - 1] < value {
                            largest[position] = largest[position - 1]
                            position -= 1
                        }
                        largest[position] = value
                        kept = min(kept + 1, k)
                    }
                    return (largest[k - 1] + frameUnits / 4, drift, now)
                }
            }
        }
    }

    private static let driftBuckets = 8

    /// The median slope between the smallest transits of the window's spans of time; 0 until
    /// the window spans two seconds.
    private func drift(count: Int) -> Double {
        var (first, last) = (Int64.max, Int64.min)
        for index in 0..<count {
            first = min(first, arrivals[index])
            last = max(last, arrivals[index])
        }
        guard count >= 20, last - first >= Int64(2 * clockRate) else { return 0 }
        let buckets = Self.driftBuckets
        for bucket in 0..<buckets { bucketMinima[bucket] = (.max, 0) }
        let span = last - first + 1
        for index in 0..<count {
            let bucket = Int((arrivals[index] - first) * Int64(buckets) / span)
            if transits[index] < bucketMinima[bucket].transit { bucketMinima[bucket] = (transits[index], arrivals[index]) }
        }
        var slopeCount = 0
        for earlier in 0..<buckets where bucketMinima[earlier].transit != .max {
            for later in (earlier + 1)..<buckets where bucketMinima[later].transit != .max {
                let (a, b) = (bucketMinima[earlier], bucketMinima[later])
                guard b.arrival > a.arrival else { continue }
                slopes[slopeCount] = Double(b.transit - a.transit) / Double(b.arrival - a.arrival)
                slopeCount += 1
            }
        }
        guard slopeCount > 0 else { return 0 }
        // Insertion sort in place: a slice's `sort()` would allocate on every estimate.
        slopes.withUnsafeMutableBufferPointer { slopes in
            for index in 1..<slopeCount {
                let value = slopes[index]
                var position = index
                while position > 0, slopes[position - 1] > value {
                    slopes[position] = slopes[position - 1]
                    position -= 1
                }
                slopes[position] = value
            }
        }
        let median =
            slopeCount % 2 == 1 ? slopes[slopeCount / 2] : (slopes[slopeCount / 2 - 1] + slopes[slopeCount / 2]) / 2
        return min(0.15, max(-0.15, median))
    }
}
