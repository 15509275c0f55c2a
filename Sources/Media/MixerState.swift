/// The mixer's state, confined to its loop; the frame buffers are reused every tick. Public so
/// the benchmarks can run its tick directly.
///
/// The room mixes at 8 kHz while every participant is narrowband, at 16 kHz as soon as one is
/// wideband (an Opus session): a narrowband participant's frames are then converted up on the
/// way in and its mix down on the way out, each through resamplers of its own, and the
/// announcements (8 kHz) up and the recording (8 kHz) down through the room's.
///
/// Everyone silent (sending nothing, muted, or below line-noise level) hears the same mix,
/// the whole sum: the room encodes it once per tick in each codec its silent participants
/// speak (μ-law, A-law, Opus), and each of them sends that payload under its own RTP header.
public final class MixerState {
    public var ports: [MixerPort] = [] {
        didSet {
            hasCoaches = ports.contains { $0.coaching != nil }
            let present = Set(ports.map(ObjectIdentifier.init))
            converters = converters.filter { present.contains($0.key) }
        }
    }
    /// The rate of the last tick's mix.
    public private(set) var rate = 8000
    private var hasCoaches = false
    /// This tick's coaches who spoke, by slot (reused: no allocation per tick).
    private var speakingCoaches: [Int] = []
    /// The room's one Opus encoder for the mix its silent listeners hear (made when first needed).
    private var sharedEncoder: OpusCodec?
    /// This tick's shared payloads, one slot of `MixFrameQueue.packetBytes` per codec, and
    /// their lengths (−1: not encoded yet).
    private var sharedPackets = [UInt8](repeating: 0, count: SharedEncoding.allCases.count * MixFrameQueue.packetBytes)
    private var sharedLengths = [Int](repeating: -1, count: SharedEncoding.allCases.count)
    /// The silent mix converted to 8 kHz once a tick, for narrowband listeners of a wideband room.
    private var silentDown: StreamResampler?
    private var silentNarrow = [Int16](repeating: 0, count: 160)
    private var silentNarrowReady = false
    /// How many times a shared mix was encoded (once a tick and codec at most, whatever the listeners).
    public private(set) var sharedEncodings = 0
    var announcement: (samples: [Int16], position: Int)?
    /// The room's recording and the mix not yet handed to its file (about a second at a time).
    var recording: (file: RecordingFile, pending: [Int16])?
    /// For each narrowband participant of a wideband room: its audio up, its mix down.
    private var converters: [ObjectIdentifier: (up: StreamResampler, down: StreamResampler)] = [:]
    /// The room's own: announcements up and the recording down, in a wideband room.
    private var roomConverters: (up: StreamResampler, down: StreamResampler)?
    private var frames: [Int16] = []
    private var heard: [Bool] = []
    private var total = [Int32](repeating: 0, count: 960)
    private var mix = [Int16](repeating: 0, count: 960)
    /// One 8 kHz frame, and one at the room's rate, for conversions.
    private var narrow = [Int16](repeating: 0, count: 160)
    private var wide = [Int16](repeating: 0, count: 960)

    public init() {}

    /// One 20 ms frame: takes each participant's frame, gives each the others' sum.
    public func tick() {
        let count = ports.count
        guard count > 0 else { return }
        rate = ports.contains { $0.rate.load(ordering: .relaxed) > 8000 } ? SessionCore.widebandRate : 8000
        let n = rate / 50
        if frames.count < count * n {
            frames = [Int16](repeating: 0, count: count * n)
            heard = [Bool](repeating: false, count: count)
        }
        let ports = self.ports
        frames.withUnsafeMutableBufferPointer { frames in
            heard.withUnsafeMutableBufferPointer { heard in
                total.withUnsafeMutableBufferPointer { total in
                    mix.withUnsafeMutableBufferPointer { mix in
                        for index in 0..<n { total[index] = 0 }
                        speakingCoaches.removeAll(keepingCapacity: true)
                        for slot in 0..<count {
                            let port = ports[slot]
                            let frame = UnsafeMutableBufferPointer(rebasing: frames[(slot * n)..<(slot * n + n)])
                            let got = take(from: port, into: frame)
                            // Line noise is left out of the sum: its sender counts as a silent
                            // listener and may share the room's encoding.
                            heard[slot] = got && !port.muted && SessionCore.isVoice(UnsafeBufferPointer(frame))
                            guard heard[slot] else { continue }
                            if hasCoaches, port.coaching != nil {
                                speakingCoaches.append(slot)  // heard by the coached one only
                                continue
                            }
                            MixArithmetic.add(UnsafeBufferPointer(frame), to: UnsafeMutableBufferPointer(rebasing: total[0..<n]))
                        }
                        addAnnouncement(to: UnsafeMutableBufferPointer(rebasing: total[0..<n]))
                        if recording != nil { record(UnsafeBufferPointer(rebasing: total[0..<n])) }
                        for index in sharedLengths.indices { sharedLengths[index] = -1 }
                        silentNarrowReady = false
                        for slot in 0..<count {
                            let own = slot * n
                            let subtractOwn = heard[slot] && ports[slot].coaching == nil
                            var shareable = false
                            if !speakingCoaches.isEmpty, speakingCoaches.contains(where: { ports[$0].coaching === ports[slot] }) {
                                // The coached participant: the room less their own voice, plus their coach's.
                                for index in 0..<n {
                                    var value = subtractOwn ? total[index] &- Int32(frames[own + index]) : total[index]
                                    for coach in speakingCoaches where ports[coach].coaching === ports[slot] {
                                        value &+= Int32(frames[coach * n + index])
                                    }
                                    mix[index] = Int16(clamping: value)
                                }
                            } else {
                                let ownFrame = subtractOwn ? UnsafeBufferPointer(rebasing: frames[own..<(own + n)]) : nil
                                MixArithmetic.mix(UnsafeBufferPointer(rebasing: total[0..<n]), minus: ownFrame, into: UnsafeMutableBufferPointer(rebasing: mix[0..<n]))
                                shareable = !subtractOwn
                            }
                            let mixed = UnsafeBufferPointer(rebasing: mix[0..<n])
                            let encoding = shareable ? ports[slot].sharedEncoding.load(ordering: .relaxed) : .none
                            if encoding != .none {
                                giveShared(mixed, to: ports[slot], encoding: encoding)
                            } else {
                                give(mixed, to: ports[slot])
                            }
                        }
                    }
                }
            }
        }
    }

    /// A participant's next frame at the room's rate (converted up for a narrowband one in a
    /// wideband room); false when it sent none.
    private func take(from port: MixerPort, into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard port.rate.load(ordering: .relaxed) != rate, let up = converters(for: port)?.up else {
            return port.incoming.withLock { $0.pop(into: frame) }
        }
        return narrow.withUnsafeMutableBufferPointer { narrow in
            guard port.incoming.withLock({ $0.pop(into: narrow) }) else { return false }
            up.convertFrame(UnsafeBufferPointer(narrow), into: frame)
            return true
        }
    }

    /// A participant's own mix into its port, converted down for a narrowband one in a
    /// wideband room.
    private func give(_ mixed: UnsafeBufferPointer<Int16>, to port: MixerPort) {
        guard port.rate.load(ordering: .relaxed) != rate, let down = converters(for: port)?.down else {
            port.outgoing.withLock { $0.push(mixed, encoded: UnsafeRawBufferPointer(start: nil, count: 0)) }
            return
        }
        narrow.withUnsafeMutableBufferPointer { narrow in
            down.convertFrame(mixed, into: narrow)
            let frame = UnsafeBufferPointer(narrow)
            port.outgoing.withLock { $0.push(frame, encoded: UnsafeRawBufferPointer(start: nil, count: 0)) }
        }
    }

    /// The silent mix into a silent participant's port with the room's one encoding of it in
    /// the participant's codec (encoded for the first such participant of the tick; for a
    /// narrowband one in a wideband room, from the mix converted down once a tick).
    private func giveShared(_ mixed: UnsafeBufferPointer<Int16>, to port: MixerPort, encoding: SharedEncoding) {
        let slot = Int(encoding.rawValue)
        let narrowband = port.rate.load(ordering: .relaxed) != rate
        if narrowband, !silentNarrowReady {
            if silentDown == nil { silentDown = StreamResampler(from: rate, to: 8000, capacity: 320) }
            silentNarrow.withUnsafeMutableBufferPointer { silentDown?.convertFrame(mixed, into: $0) }
            silentNarrowReady = true
        }
        silentNarrow.withUnsafeBufferPointer { silentNarrow in
            let frame = narrowband ? silentNarrow : mixed
            if sharedLengths[slot] < 0 { sharedLengths[slot] = encodeShared(frame, encoding: encoding) }
            let length = sharedLengths[slot]
            sharedPackets.withUnsafeBytes { packets in
                let start = slot * MixFrameQueue.packetBytes
                let payload = UnsafeRawBufferPointer(rebasing: packets[start..<(start + length)])
                port.outgoing.withLock { $0.push(frame, encoded: payload) }
            }
        }
    }

    private func converters(for port: MixerPort) -> (up: StreamResampler, down: StreamResampler)? {
        if let made = converters[ObjectIdentifier(port)] { return made }
        guard let up = StreamResampler(from: 8000, to: rate, capacity: 320), let down = StreamResampler(from: rate, to: 8000, capacity: 320) else { return nil }
        converters[ObjectIdentifier(port)] = (up, down)
        return (up, down)
    }

    private func makeRoomConverters() -> (up: StreamResampler, down: StreamResampler)? {
        if roomConverters == nil, let up = StreamResampler(from: 8000, to: rate, capacity: 320), let down = StreamResampler(from: rate, to: 8000, capacity: 320) {
            roomConverters = (up, down)
        }
        return roomConverters
    }

    /// The announcement's next 20 ms (8 kHz; converted up in a wideband room) added to the sum.
    private func addAnnouncement(to total: UnsafeMutableBufferPointer<Int32>) {
        guard var playing = announcement else { return }
        narrow.withUnsafeMutableBufferPointer { narrow in
            narrow.update(repeating: 0)
            for index in 0..<160 where playing.position < playing.samples.count {
                narrow[index] = playing.samples[playing.position]
                playing.position += 1
            }
            if rate == 8000 {
                for index in 0..<160 { total[index] &+= Int32(narrow[index]) }
            } else if let up = makeRoomConverters()?.up {
                wide.withUnsafeMutableBufferPointer { wide in
                    let frame = UnsafeMutableBufferPointer(rebasing: wide[0..<total.count])
                    up.convertFrame(UnsafeBufferPointer(narrow), into: frame)
                    for index in 0..<total.count { total[index] &+= Int32(frame[index]) }
                }
            }
        }
        announcement = playing.position < playing.samples.count ? playing : nil
    }

    /// The mix every silent listener hears, encoded once in `encoding` into its slot of
    /// `sharedPackets`; the payload's length.
    private func encodeShared(_ mix: UnsafeBufferPointer<Int16>, encoding: SharedEncoding) -> Int {
        let slot = Int(encoding.rawValue)
        sharedEncodings += 1
        return sharedPackets.withUnsafeMutableBytes { packets in
            let payload = UnsafeMutableRawBufferPointer(rebasing: packets[(slot * MixFrameQueue.packetBytes)..<((slot + 1) * MixFrameQueue.packetBytes)])
            switch encoding {
            case .opus:
                if sharedEncoder?.sampleRate != mix.count * 50 { sharedEncoder = OpusCodec(sampleRate: mix.count * 50) }
                return sharedEncoder?.encode(mix, into: payload) ?? 0
            case .pcmu, .pcma:
                let table = encoding == .pcmu ? G711.linearToULaw : G711.linearToALaw
                for (index, sample) in mix.enumerated() { payload[index] = table[Int(UInt16(bitPattern: sample))] }
                return mix.count
            case .none:
                return 0
            }
        }
    }

    /// The whole room's frame, saturated, goes to the 8 kHz recording (converted down in a
    /// wideband room); each second to the file.
    private func record(_ total: UnsafeBufferPointer<Int32>) {
        guard var current = recording else { return }
        recording = nil  // the pending array stays uniquely referenced while it grows
        if rate == 8000 {
            for sample in total { current.pending.append(Int16(clamping: sample)) }
        } else if let down = makeRoomConverters()?.down {
            wide.withUnsafeMutableBufferPointer { wide in
                for index in 0..<total.count { wide[index] = Int16(clamping: total[index]) }
                narrow.withUnsafeMutableBufferPointer { narrow in
                    down.convertFrame(UnsafeBufferPointer(rebasing: wide[0..<total.count]), into: narrow)
                    current.pending.append(contentsOf: narrow)
                }
            }
        }
        if current.pending.count >= 8000 {
            current.file.append(current.pending)
            current.pending = []
            current.pending.reserveCapacity(8160)
        }
        recording = current
    }

    func stopRecording() -> RecordingFile? {
        guard let recording else { return nil }
        if !recording.pending.isEmpty { recording.file.append(recording.pending) }
        self.recording = nil
        return recording.file
    }
}
