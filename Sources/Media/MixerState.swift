/// The mixer's state, confined to its loop; the frame buffers are reused every tick. Public so
/// the benchmarks can run its tick directly.
public final class MixerState {
    public var ports: [MixerPort] = [] {
        didSet { hasCoaches = ports.contains { $0.coaching != nil } }
    }
    private var hasCoaches = false
    /// This tick's coaches who spoke, by slot (reused: no allocation per tick).
    private var speakingCoaches: [Int] = []
    /// The room's one Opus encoder for the mix its silent listeners hear (made when first needed).
    private var sharedEncoder: OpusCodec?
    private var sharedPacket = [UInt8](repeating: 0, count: MixFrameQueue.packetBytes)
    /// How many times the shared mix was encoded (once a tick at most, whatever the listeners).
    public private(set) var sharedEncodings = 0
    var announcement: (samples: [Int16], position: Int)?
    /// The room's recording and the mix not yet handed to its file (about a second at a time).
    var recording: (file: RecordingFile, pending: [Int16])?
    private var frames: [Int16] = []
    private var heard: [Bool] = []
    private var total = [Int32](repeating: 0, count: 160)
    private var mix = [Int16](repeating: 0, count: 160)

    public init() {}

    /// One 20 ms frame: takes each participant's frame, gives each the others' sum.
    public func tick() {
        let count = ports.count
        guard count > 0 else { return }
        if frames.count < count * 160 {
            frames = [Int16](repeating: 0, count: count * 160)
            heard = [Bool](repeating: false, count: count)
        }
        let ports = self.ports
        frames.withUnsafeMutableBufferPointer { frames in
            heard.withUnsafeMutableBufferPointer { heard in
                total.withUnsafeMutableBufferPointer { total in
                    mix.withUnsafeMutableBufferPointer { mix in
                        for index in 0..<160 { total[index] = 0 }
                        speakingCoaches.removeAll(keepingCapacity: true)
                        for slot in 0..<count {
                            let port = ports[slot]
                            let frame = UnsafeMutableBufferPointer(rebasing: frames[(slot * 160)..<(slot * 160 + 160)])
                            let got = port.incoming.withLock { $0.pop(into: frame) }
                            heard[slot] = got && !port.muted && Self.isVoice(UnsafeBufferPointer(frame))
                            guard heard[slot] else { continue }
                            if hasCoaches, port.coaching != nil {
                                speakingCoaches.append(slot)  // heard by the coached one only
                                continue
                            }
                            for index in 0..<160 { total[index] &+= Int32(frame[index]) }
                        }
                        if var playing = announcement {
                            for index in 0..<160 where playing.position < playing.samples.count {
                                total[index] &+= Int32(playing.samples[playing.position])
                                playing.position += 1
                            }
                            announcement = playing.position < playing.samples.count ? playing : nil
                        }
                        if recording != nil { record(UnsafeBufferPointer(total)) }
                        var sharedLength = -1  // not encoded yet this tick
                        for slot in 0..<count {
                            let own = slot * 160
                            let subtractOwn = heard[slot] && ports[slot].coaching == nil
                            var shareable = false
                            if !speakingCoaches.isEmpty, speakingCoaches.contains(where: { ports[$0].coaching === ports[slot] }) {
                                // The coached participant: the room less their own voice, plus their coach's.
                                for index in 0..<160 {
                                    var value = subtractOwn ? total[index] &- Int32(frames[own + index]) : total[index]
                                    for coach in speakingCoaches where ports[coach].coaching === ports[slot] {
                                        value &+= Int32(frames[coach * 160 + index])
                                    }
                                    mix[index] = Int16(clamping: value)
                                }
                            } else if subtractOwn {
                                for index in 0..<160 { mix[index] = Int16(clamping: total[index] &- Int32(frames[own + index])) }
                            } else {
                                for index in 0..<160 { mix[index] = Int16(clamping: total[index]) }
                                shareable = true
                            }
                            let mixed = UnsafeBufferPointer(mix)
                            var encoded = 0
                            if shareable, ports[slot].takesSharedOpus.load(ordering: .relaxed) {
                                if sharedLength < 0 { sharedLength = encodeShared(mixed) }
                                encoded = sharedLength
                            }
                            sharedPacket.withUnsafeBytes { packet in
                                ports[slot].outgoing.withLock { $0.push(mixed, encoded: UnsafeRawBufferPointer(rebasing: packet[..<encoded])) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether a frame holds more than line noise (a mean level above about −47 dBm0, as the
    /// recorder's silence detector has it). Quieter frames are left out of the sum, so their
    /// senders count as silent listeners and may share the room's encoding.
    static func isVoice(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        var level = 0
        for sample in frame { level &+= abs(Int(sample)) }
        return level > SessionCore.voiceLevel * frame.count
    }

    /// The mix every silent listener hears, encoded once into `sharedPacket`; its length.
    private func encodeShared(_ mix: UnsafeBufferPointer<Int16>) -> Int {
        if sharedEncoder == nil { sharedEncoder = OpusCodec() }
        guard let encoder = sharedEncoder else { return 0 }
        sharedEncodings += 1
        return sharedPacket.withUnsafeMutableBytes { encoder.encode(mix, into: $0) }
    }

    /// The whole room's frame, saturated, goes to the recording; each second to the file.
    private func record(_ total: UnsafeBufferPointer<Int32>) {
        guard var current = recording else { return }
        recording = nil  // the pending array stays uniquely referenced while it grows
        for sample in total { current.pending.append(Int16(clamping: sample)) }
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
