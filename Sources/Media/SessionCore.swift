import Foundation
import NIOCore

/// The state of one RTP session, confined to its event loop: what came in (latching the far
/// end's address, RFC 4733 keys, in-band keys, decoded audio for the recorder), and what goes out at each
/// 20 ms tick (the playing audio, else silence), with its sequence number and timestamp.
/// Bridged to a peer session, it relays the far end's audio to the peer as it arrives.
/// Audio runs at the session's `rate`: 16 kHz for Opus (wideband), 8 kHz for G.711; what only
/// works at 8 kHz (in-band DTMF, recordings) gets a downsampled copy, and what comes from
/// outside at another rate (a bridged peer's audio) is converted on the way in.
final class SessionCore {
    let socket: UDPSocket
    /// The RTCP socket (the RTP port + 1), when it could be bound.
    let rtcpSocket: UDPSocket?
    let emit: @Sendable (MediaEvent) -> Void
    var parameters: MediaParameters?
    /// What the per-packet paths read of `parameters`: plain values, so reading them copies
    /// no strings or arrays (and retains nothing).
    private var stream: (codec: MediaCodec, payloadType: UInt8, events: UInt8?, noise: UInt8?, sends: Bool)?
    private var remote: PeerAddress?
    /// A softphone's signalling address: media from any of its ports may latch.
    private var signallingHost: PeerAddress?
    private var latched = false
    /// Datagrams from anyone but the far end, dropped.
    private var strangerPackets = 0
    /// Whether the socket is connected to the latched far end (sends then skip the route lookup).
    private var connected = false

    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var sequenceNumber = UInt16.random(in: 0...UInt16.max)
    private var timestamp = UInt32.random(in: 0...UInt32.max)
    private var firstPacketSent = false
    /// When the last packet went out and the timestamp units it covered.
    private var lastSend: (at: NIODeadline, units: Int)?
    /// Packets' worth of time with nothing sent that counts as a pause (200 ms: more than jitter).
    private static let pauseFrames = 10

    private var playing: (samples: [Int16], position: Int, loopsLeft: Int)?
    /// The session this one is bridged to (same event loop): the far end's audio is relayed
    /// to it packet by packet, and while bridged this session's clock sends nothing itself.
    /// Strong, and cleared on both sides by unbridging or closing: a weak reference would give
    /// the session a side table and every retain on the packet path its slow case.
    var peer: SessionCore?
    /// The conference this session is in: what the far end says goes to the mixer, and the
    /// mix goes out at each tick (unless something plays to this participant alone).
    var mixerPort: MixerPort? {
        didSet { tellPort() }
    }
    /// A shared payload from the mixer, on its way out.
    private let sharedPacket = UnsafeMutableRawBufferPointer.allocate(byteCount: MixFrameQueue.packetBytes, alignment: 8)
    /// The 20 ms frame being sent (played audio, the mix, silence), encoded at each tick; room
    /// for 20 ms at the highest rate, `frameSamples` of it used.
    private let frameStorage = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 960)
    /// The audio's rate inside Parley: 16 kHz for Opus, 8 kHz for G.711.
    private(set) var rate = 8000
    private var frameSamples: Int { rate / 50 }
    private var frame: UnsafeMutableBufferPointer<Int16> { UnsafeMutableBufferPointer(rebasing: frameStorage[0..<frameSamples]) }
    /// For a wideband session: 16 → 8 kHz for in-band DTMF and the recording.
    private var narrowband: StreamResampler?
    /// A bridged peer's decoded audio converted to this session's rate, when theirs differs.
    private var relayInput: StreamResampler?
    private var recording: (file: RecordingFile, pending: [Int16])?
    /// While a speech engine listens: the end-pointer, where the utterance's frames go (at
    /// the speech rate), and for a narrowband session the conversion up to it.
    private var speech: (detector: UtteranceDetector, frames: AsyncStream<[Int16]>.Continuation, up: StreamResampler?)?
    /// While recording with a silence timeout: when the far end last spoke, and the limit.
    private var silence: (lastVoice: NIODeadline, limit: TimeAmount, reported: Bool)?
    private var events = TelephoneEventReceiver()
    private var detector = DTMFDetector()
    /// Set by the first RFC 4733 packet: from then on in-band detection is off (a phone that
    /// sends events may also leave the tones in its audio).
    private var telephoneEventsSeen = false
    /// Room for the longest packet accepted (240 ms of G.711); longer payloads are cut.
    private let decoded = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 1920)
    /// Set while the codec is Opus, with the next sequence number expected (a gap is loss:
    /// concealed, the last lost frame rebuilt from the FEC of the packet after it).
    private var opus: (codec: OpusCodec, expected: UInt16?)?
    /// The far end's audio de-jittered for the clock, while not bridged (a bridge relays
    /// packets as they come).
    private var received: ReceivedAudio?
    /// Decoded audio from a bridged peer waiting to fill 20 ms Opus frames.
    private var transcoding = SampleFIFO(capacity: 320 * 8)
    /// The packet being sent, reused for every packet: `sendto` copies it, so `clear()` keeps
    /// its storage.
    private var outgoing: ByteBuffer

    private var statistics = ReceptionStatistics()
    /// How packets are protected. SRTP packets are decrypted into `scratch` before anything
    /// else; keys that gave no SRTP context stop the session's packets both ways, never sent
    /// or read in clear.
    private var protection = Protection.clear
    private var srtp: SRTPSession? { if case .srtp(let session) = protection { session } else { nil } }

    private enum Protection {
        case clear
        case srtp(SRTPSession)
        case unavailable
    }
    private var scratch = [UInt8](repeating: 0, count: 2048)
    private var packetsSent: UInt32 = 0
    private var octetsSent: UInt32 = 0
    /// Ticks until the next RTCP report: the first after a second, then 5 s ± 50% (RFC 3550).
    private var ticksUntilReport = 50
    private var farEnd: (block: RTCPPacket.ReportBlock, roundTrip: Double?)?
    private var reportsReceived = 0
    private static let cname = "parley@" + UUID().uuidString.prefix(8).lowercased()

    private var lastReceived: NIODeadline = .now()
    private let rtpTimeout: TimeAmount
    private var timedOut = false

    /// One 20 ms frame at 8 kHz (G.711's packet).
    static let frameSamples = 160
    /// The rate of an Opus session's audio.
    static let widebandRate = 16000
    /// Mean absolute sample value above which a frame counts as voice (about −47 dBm0).
    static let voiceLevel = 120

    /// Whether a frame holds more than line noise: what the recorder's silence timeout, the
    /// conference's line-noise gate and the speech end-pointer all go by.
    static func isVoice(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        !frame.isEmpty && MixArithmetic.level(frame) > voiceLevel * frame.count
    }

    init(socket: UDPSocket, rtcpSocket: UDPSocket?, rtpTimeout: TimeAmount, emit: @escaping @Sendable (MediaEvent) -> Void) {
        self.socket = socket
        self.rtcpSocket = rtcpSocket
        self.rtpTimeout = rtpTimeout
        self.emit = emit
        self.outgoing = ByteBufferAllocator().buffer(capacity: RTPHeader.size + OpusCodec.maximumPacketBytes + 16)
        frameStorage.initialize(repeating: 0)
        decoded.initialize(repeating: 0)
    }

    deinit {
        frameStorage.deallocate()
        decoded.deallocate()
        sharedPacket.deallocate()
    }

    /// Whether a datagram from `source` is the far end's: once latched, only the latched
    /// address (the kernel filters when the socket is connected); before, the SDP's address
    /// and port, or any port of a softphone's signalling address.
    private func admits(_ source: PeerAddress) -> Bool {
        if latched { return connected || remote.map { source.same(as: $0) } ?? false }
        if let remote, source.same(as: remote) { return true }
        return signallingHost.map { source.sameHost(as: $0) } ?? false
    }

    /// Starts sending, or follows a new offer: a new address from signalling (the far end
    /// moved) unlatches, so its next packets are followed again.
    func start(_ parameters: MediaParameters) {
        let rekeyed = self.parameters.map { old in
            old.srtp?.localKey != parameters.srtp?.localKey || old.srtp?.remoteKey != parameters.srtp?.remoteKey
        } ?? true
        if rekeyed {
            protection = parameters.srtp.map { keys in
                SRTPSession(suite: keys.suite, localKey: keys.localKey, remoteKey: keys.remoteKey).map(Protection.srtp) ?? .unavailable
            } ?? .clear
        }
        if parameters.codec != .opus {
            opus = nil
        } else if opus == nil, let codec = OpusCodec(sampleRate: Self.widebandRate) {
            opus = (codec, nil)
        }
        if self.parameters?.codec != parameters.codec {
            rate = opus?.codec.sampleRate ?? 8000
            received = ReceivedAudio(codec: parameters.codec, sampleRate: rate)
            narrowband = rate == 8000 ? nil : StreamResampler(from: rate, to: 8000)
            transcoding = SampleFIFO(capacity: 320 * 8)
        }
        let moved = self.parameters.map { $0.remoteHost != parameters.remoteHost || $0.remotePort != parameters.remotePort } ?? true
        self.parameters = parameters
        stream = (parameters.codec, parameters.payloadType, parameters.telephoneEventPayloadType, parameters.comfortNoisePayloadType, parameters.sends)
        tellPort()
        if moved {
            if connected { socket.disconnect() }
            connected = false
            latched = false
            remote = try? PeerAddress(host: parameters.remoteHost, port: parameters.remotePort, mapped: socket.isIPv6)
        }
        signallingHost = parameters.signallingHost.flatMap { try? PeerAddress(host: $0, port: 0, mapped: socket.isIPv6) }
        lastReceived = .now()
    }

    /// `loops` 0 plays until stopped, as RCML's `loop="0"`.
    func play(_ samples: [Int16], loops: Int) {
        playing = samples.isEmpty ? nil : (samples, 0, loops <= 0 ? .max : loops)
        if samples.isEmpty { emit(.playbackFinished) }
    }

    func stopPlayback() {
        playing = nil
    }

    func record(_ file: RecordingFile, silenceTimeout: TimeAmount?) {
        recording = (file, [])
        silence = silenceTimeout.map { (.now(), $0, false) }
    }

    func stopRecording() -> RecordingFile? {
        silence = nil
        guard let recording else { return nil }
        if !recording.pending.isEmpty { recording.file.append(recording.pending) }
        self.recording = nil
        return recording.file
    }

    func listenForSpeech(_ frames: AsyncStream<[Int16]>.Continuation, endSilenceMilliseconds: Int, maxLengthMilliseconds: Int) {
        stopListening()
        let speechRate = MediaSession.speechSampleRate
        let detector = UtteranceDetector(rate: speechRate, endSilenceMilliseconds: endSilenceMilliseconds, maxLengthMilliseconds: maxLengthMilliseconds)
        speech = (detector, frames, rate == speechRate ? nil : StreamResampler(from: rate, to: speechRate))
    }

    func stopListening() {
        speech?.frames.finish()
        speech = nil
    }

    /// One datagram from the far end.
    func receive(_ packet: UnsafeRawBufferPointer, from source: PeerAddress) {
        guard stream != nil else { return }
        guard admits(source) else {
            strangerPackets += 1
            return
        }
        if case .unavailable = protection { return }
        guard let srtp else { return receivePlain(packet, from: source) }
        // SRTP: decrypted into the scratch buffer; a packet failing authentication goes no further.
        let count = min(packet.count, scratch.count)
        scratch.withUnsafeMutableBytes { buffer in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[..<count]))
            var length = count
            guard srtp.unprotect(buffer.baseAddress!, length: &length) else { return }
            receivePlain(UnsafeRawBufferPointer(rebasing: buffer[..<length]), from: source)
        }
    }

    private func receivePlain(_ bytes: UnsafeRawBufferPointer, from source: PeerAddress) {
        guard let stream else { return }
        guard let (header, payload) = RTPHeader.parse(bytes) else { return }
        // Symmetric RTP: answer where the media really comes from (a softphone's NAT port),
        // latched on the first well-formed packet from an admitted address. The socket is then
        // connected to it, so the kernel drops everyone else's packets.
        if !latched {
            remote = source
            latched = true
            connected = socket.connect(to: source)
        }
        lastReceived = .now()
        let body = UnsafeRawBufferPointer(rebasing: bytes[payload])
        if header.payloadType == stream.events {
            telephoneEventsSeen = true
            if let event = TelephoneEvent(payload: body), let key = events.receive(event, timestamp: header.timestamp) {
                emit(.digit(key))
            }
        } else if header.payloadType == stream.noise {
            // RFC 3389: the far end goes quiet; its first payload byte is the noise level.
            statistics.packet(
                ssrc: header.ssrc, sequence: header.sequenceNumber, timestamp: header.timestamp, arrival: Date(),
                clockRate: stream.codec.clockRate)
            if let level = body.first { received?.comfortNoise(level: Int(level & 0x7F)) }
        } else if header.payloadType == stream.payloadType {
            statistics.packet(
                ssrc: header.ssrc, sequence: header.sequenceNumber, timestamp: header.timestamp, arrival: Date(),
                clockRate: stream.codec.clockRate)
            if peer == nil, let received, received.accepts(body) {
                received.put(body, timestamp: header.timestamp, ssrc: header.ssrc, at: lastReceived)
                opus?.expected = header.sequenceNumber &+ 1
            } else if let peer, !listening, let theirs = peer.stream?.codec, theirs == stream.codec || (theirs != .opus && stream.codec != .opus) {
                // Bridged with nobody listening here and no Opus to encode on the other side:
                // the packet goes on as it is (or through the μ-law ↔ A-law map), undecoded.
                opus?.expected = header.sequenceNumber &+ 1
                peer.relay(body, codec: stream.codec, decoded: UnsafeBufferPointer(rebasing: decoded[0..<0]), rate: rate)
            } else if let opus {
                receiveOpus(body, sequence: header.sequenceNumber, codec: opus.codec, expected: opus.expected)
            } else {
                deliver(G711.decode(body, law: stream.codec, into: decoded), payload: body)
            }
        }
    }

    /// An Opus packet in sequence is decoded; a gap of up to half a second first gives its
    /// frames by concealment, the last one rebuilt from this packet's FEC; a late or repeated
    /// packet is dropped (its time has passed). A longer jump is a new stream: nothing to conceal.
    private func receiveOpus(_ body: UnsafeRawBufferPointer, sequence: UInt16, codec: OpusCodec, expected: UInt16?) {
        let gap = expected.map { sequence &- $0 } ?? 0
        guard gap < 0x8000 else { return }
        opus?.expected = sequence &+ 1
        if gap > 0, gap <= 25 {
            let frameSamples = codec.frameSamples
            for _ in 1..<gap {
                deliver(codec.conceal(into: UnsafeMutableBufferPointer(rebasing: decoded[0..<frameSamples])), payload: nil)
            }
            let lost = min(decoded.count, OpusCodec.rtpDuration(of: body) * codec.sampleRate / OpusCodec.rtpClockRate)
            deliver(codec.recover(lostBefore: body, into: UnsafeMutableBufferPointer(rebasing: decoded[0..<lost])), payload: nil)
        }
        deliver(codec.decode(body, into: decoded), payload: body)
    }

    /// `count` decoded samples of the far end's audio (in `decoded`) go to the bridged peer,
    /// with the packet they came from (nil when concealed), and are heard here.
    private func deliver(_ count: Int, payload: UnsafeRawBufferPointer?) {
        guard let codec = stream?.codec else { return }
        let samples = UnsafeBufferPointer(rebasing: decoded[0..<count])
        peer?.relay(payload, codec: codec, decoded: samples, rate: rate)
        hear(samples)
    }

    /// Decoded audio from the far end goes to the mixer, to in-band DTMF detection (until
    /// the far end shows it sends RFC 4733 events, which then stand for its keys; not while
    /// bridged, where only RFC 4733 keys count), the recording and the silence detector;
    /// the detector and the recording at 8 kHz.
    private func hear(_ audio: UnsafeBufferPointer<Int16>) {
        mixerPort?.hear(audio)
        if speech != nil { listen(audio) }
        guard (!telephoneEventsSeen && peer == nil) || recording != nil else { return }
        let samples = narrowband?.convert(audio) ?? audio
        if !telephoneEventsSeen, peer == nil {
            let emit = self.emit
            detector.process(samples) { emit(.digit($0)) }
        }
        guard recording != nil else { return }
        if Self.isVoice(samples) { silence?.lastVoice = lastReceived }
        recording?.pending.append(contentsOf: samples)
        if let recording, recording.pending.count >= 8000 {
            // A second of audio goes to the file's queue; the next second starts afresh.
            recording.file.append(recording.pending)
            self.recording?.pending = []
            self.recording?.pending.reserveCapacity(8160)
        }
    }

    /// The far end's audio to the speech engine listening, once the caller speaks: the lead-in
    /// and what follows until the end-pointer says the utterance is over.
    private func listen(_ audio: UnsafeBufferPointer<Int16>) {
        let wide = speech?.up?.convert(audio) ?? audio
        guard let step = speech?.detector.hear(wide) else { return }
        switch step {
        case .waiting:
            return
        case .started(let leadIn):
            speech?.frames.yield(leadIn)
            emit(.speechStarted)
        case .speaking:
            speech?.frames.yield(Array(wide))
        case .ended:
            speech?.frames.yield(Array(wide))
            stopListening()
        }
    }

    /// Audio from the bridged peer's far end, sent on at once as this session's own packet
    /// (own SSRC, sequence and timestamp): the same codec passes through untouched (a
    /// concealed frame is not sent: the far end conceals its own loss), μ-law ↔ A-law is
    /// re-encoded byte by byte, and to or from Opus the decoded samples (at the peer's `rate`)
    /// are converted to this session's rate and encoded afresh.
    func relay(_ payload: UnsafeRawBufferPointer?, codec: MediaCodec, decoded: UnsafeBufferPointer<Int16>, rate decodedRate: Int) {
        guard let stream, stream.sends, let remote else { return }
        if codec == stream.codec {
            guard let payload else { return }
            startPacket()
            outgoing.writeBytes(payload)
            send(to: remote, payloadType: stream.payloadType, samples: codec == .opus ? OpusCodec.rtpDuration(of: payload) : payload.count)
        } else if opus != nil {
            transcoding.push(converted(decoded, from: decodedRate))
            while transcoding.pop(into: frame) { sendFrame(UnsafeBufferPointer(frame), to: remote) }
        } else if codec == .opus || payload == nil {
            sendFrame(converted(decoded, from: decodedRate), to: remote)
        } else if let payload {
            let map = codec == .pcmu ? G711.ulawToALaw : G711.alawToULaw
            startPacket()
            _ = map.withUnsafeBufferPointer { map in
                outgoing.writeWithUnsafeMutableBytes(minimumWritableBytes: payload.count) { bytes in
                    for index in 0..<payload.count { bytes[index] = map[Int(payload[index])] }
                    return payload.count
                }
            }
            send(to: remote, payloadType: stream.payloadType, samples: payload.count)
        }
    }

    /// A bridged peer's audio at this session's rate (through a resampler kept for that peer's rate).
    private func converted(_ samples: UnsafeBufferPointer<Int16>, from sourceRate: Int) -> UnsafeBufferPointer<Int16> {
        guard sourceRate != rate else { return samples }
        if relayInput?.inputRate != sourceRate || relayInput?.outputRate != rate {
            relayInput = StreamResampler(from: sourceRate, to: rate)
        }
        return relayInput?.convert(samples) ?? samples
    }

    /// Tells the conference port this session's rate and codec (for the room's shared encoding).
    private func tellPort() {
        mixerPort?.rate.store(rate, ordering: .relaxed)
        let encoding: SharedEncoding =
            switch stream?.codec {
            case .opus?: .opus
            case .pcmu?: .pcmu
            case .pcma?: .pcma
            default: .none
            }
        mixerPort?.sharedEncoding.store(encoding, ordering: .relaxed)
    }

    /// Whether anything here takes the far end's decoded audio (a recording, a conference, a
    /// speech engine).
    private var listening: Bool { recording != nil || mixerPort != nil || speech != nil }

    /// Empties the reused packet buffer and leaves room for the RTP header `send` stamps.
    private func startPacket() {
        outgoing.clear()
        outgoing.writeRepeatingByte(0, count: RTPHeader.size)
    }

    /// Encodes `samples` in this session's codec and sends them as one packet.
    private func sendFrame(_ samples: UnsafeBufferPointer<Int16>, to remote: PeerAddress) {
        guard let stream else { return }
        startPacket()
        let duration: Int
        if let opus = opus?.codec {
            let written = outgoing.writeWithUnsafeMutableBytes(minimumWritableBytes: OpusCodec.maximumPacketBytes) { opus.encode(samples, into: $0) }
            guard written > 0 else { return }
            duration = samples.count * OpusCodec.rtpClockRate / opus.sampleRate
        } else {
            let table = stream.codec == .pcmu ? G711.linearToULaw : G711.linearToALaw
            outgoing.writeWithUnsafeMutableBytes(minimumWritableBytes: samples.count) { bytes in
                for (index, sample) in samples.enumerated() { bytes[index] = table[Int(UInt16(bitPattern: sample))] }
                return samples.count
            }
            duration = samples.count
        }
        send(to: remote, payloadType: stream.payloadType, samples: duration)
    }

    /// An RTCP compound packet to the far end's RTCP port (its RTP port + 1): an SR with
    /// what was sent and a report block about what was received.
    private func sendReport() {
        guard let rtcpSocket, let remote else { return }
        if case .unavailable = protection { return }
        let now = Date()
        let sender = packetsSent == 0 ? nil : RTCPPacket.SenderInfo(ntp: RTCPPacket.ntp(now), rtpTimestamp: timestamp, packets: packetsSent, octets: octetsSent)
        var bytes = RTCPPacket.compound(ssrc: ssrc, sender: sender, block: statistics.block(now: now), cname: Self.cname)
        if let srtp {
            // SRTCP: an index and a tag follow the packet.
            var length = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: 14))
            guard bytes.withUnsafeMutableBytes({ srtp.protectControl($0.baseAddress!, length: &length) }) else { return }
            bytes.removeLast(bytes.count - length)
        }
        _ = bytes.withUnsafeBytes { rtcpSocket.send($0, to: remote.with(port: remote.port + 1)) }
    }

    /// An RTCP packet from the far end: its SR (for our next report's LSR/DLSR) and its
    /// report about our stream (loss, jitter and, from LSR/DLSR, the round trip).
    /// One RTCP datagram; only the far end's host may report (any port: RTCP's is its own).
    func receiveReport(_ packet: UnsafeRawBufferPointer, from source: PeerAddress) {
        if case .unavailable = protection { return }
        guard remote.map({ source.sameHost(as: $0) }) == true || signallingHost.map({ source.sameHost(as: $0) }) == true else { return }
        guard let srtp else { return receivePlainReport(packet) }
        var bytes = Array(packet)
        var length = bytes.count
        guard bytes.withUnsafeMutableBytes({ srtp.unprotectControl($0.baseAddress!, length: &length) }) else { return }
        bytes.withUnsafeBytes { receivePlainReport(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
    }

    private func receivePlainReport(_ bytes: UnsafeRawBufferPointer) {
        let now = Date()
        guard let reports = RTCPPacket.reports(in: bytes) else { return }
        reportsReceived += 1
        for report in reports {
            if let sender = report.sender { statistics.senderReport(ntp: sender.ntp, arrived: now) }
            for block in report.blocks where block.ssrc == ssrc {
                let roundTrip = block.roundTripMilliseconds(arrived: UInt32((RTCPPacket.ntp(now) >> 16) & 0xFFFF_FFFF))
                farEnd = (block, roundTrip ?? farEnd?.roundTrip)
            }
        }
    }

    var quality: MediaQuality {
        MediaQuality(
            packetsSent: Int(packetsSent), packetsReceived: Int(statistics.received), packetsLost: Int(max(0, statistics.cumulativeLost)),
            jitterMilliseconds: Double(statistics.jitter) / unitsPerMillisecond, roundTripMilliseconds: farEnd?.roundTrip,
            farEndPacketsLost: farEnd.map { Int(max(0, $0.block.cumulativeLost)) },
            farEndJitterMilliseconds: farEnd.map { Double($0.block.jitter) / unitsPerMillisecond }, reportsReceived: reportsReceived,
            srtpRejected: srtp?.rejected, strangerPackets: strangerPackets, playout: received.flatMap { received in
                let statistics = received.buffer.statistics
                guard statistics.played > 0 else { return nil }
                return MediaQuality.Playout(
                    addedDelayMilliseconds: statistics.addedDelayMilliseconds(clockRate: received.buffer.clockRate),
                    lateLossRate: statistics.lateLossRate, concealmentRatio: statistics.concealmentRatio)
            })
    }

    /// This session's counts for the metrics endpoint (on the loop).
    var totals: MediaTotals {
        var totals = MediaTotals()
        totals.packetsReceived = Int(statistics.received)
        totals.packetsSent = Int(packetsSent)
        totals.packetsLost = Int(max(0, statistics.cumulativeLost))
        if let buffer = received?.buffer.statistics {
            totals.packetsLate = buffer.late + buffer.skipped
            totals.framesConcealed = buffer.concealed
        }
        totals.srtpRejected = srtp?.rejected ?? 0
        totals.strangerPackets = strangerPackets
        return totals
    }

    private var unitsPerMillisecond: Double { Double(stream?.codec.clockRate ?? 8000) / 1000 }

    /// Stamps the RTP header into `outgoing` (whose payload is written) and sends it.
    private func send(to remote: PeerAddress, payloadType: UInt8, samples: Int) {
        if case .unavailable = protection { return }
        let now = NIODeadline.now()
        var marker = !firstPacketSent
        if let last = lastSend, last.units > 0, let clockRate = stream?.codec.clockRate {
            // After a pause in what goes out (a relay whose far end said nothing for a while),
            // the timestamp moves on by the time that passed (RFC 3550: it follows the sampling
            // clock) and the marker starts the new talkspurt. Left out, the far end's jitter
            // buffer takes the pause for added network delay and keeps that much buffered.
            let missing = Int((now - last.at).nanoseconds * Int64(clockRate) / 1_000_000_000) - last.units
            if missing >= last.units * Self.pauseFrames {
                timestamp &+= UInt32(truncatingIfNeeded: missing / last.units * last.units)
                marker = true
            }
        }
        lastSend = (now, samples)
        let header = RTPHeader(
            marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc)
        outgoing.withUnsafeMutableReadableBytes { header.write(to: $0) }
        if let srtp {
            let plain = outgoing.readableBytes
            outgoing.writeRepeatingByte(0, count: srtp.overhead)
            var length = plain
            let protected = outgoing.withUnsafeMutableReadableBytes { srtp.protect($0.baseAddress!, length: &length) }
            guard protected else { return }
            outgoing.moveWriterIndex(to: outgoing.readerIndex + length)
        }
        firstPacketSent = true
        sequenceNumber &+= 1
        timestamp &+= UInt32(samples)
        packetsSent &+= 1
        octetsSent &+= UInt32(samples)
        outgoing.withUnsafeReadableBytes { _ = connected ? socket.send($0) : socket.send($0, to: remote) }
    }

    /// The 20 ms clock: send a frame, notice a silent far end.
    func tick(now: NIODeadline) {
        guard let stream else { return }
        if !timedOut, now - lastReceived > rtpTimeout {
            timedOut = true
            emit(.rtpTimeout)
        }
        ticksUntilReport -= 1
        if ticksUntilReport <= 0 {
            ticksUntilReport = Int.random(in: 125...375)
            sendReport()
        }
        if let quiet = silence, !quiet.reported, now - quiet.lastVoice > quiet.limit {
            silence?.reported = true
            emit(.silence)
        }
        if peer == nil, let received, let heard = received.next(now: now, opus: opus?.codec) { hear(heard) }
        guard stream.sends, let remote, peer == nil else { return }
        if var current = playing {
            var filled = 0
            let frame = self.frame
            while filled < frame.count {
                if current.position == current.samples.count {
                    current.loopsLeft -= 1
                    current.position = 0
                    if current.loopsLeft == 0 { break }
                }
                frame[filled] = current.samples[current.position]
                current.position += 1
                filled += 1
            }
            if filled < frame.count { UnsafeMutableBufferPointer(rebasing: frame[filled...]).update(repeating: 0) }
            playing = current.loopsLeft == 0 ? nil : current
            if current.loopsLeft == 0 { emit(.playbackFinished) }
        } else if let port = mixerPort, let encoded = port.nextMix(into: frame, encoded: sharedPacket) {
            if encoded > 0 {
                // The room's one encoding of the mix everyone silent hears: sent as it is.
                let packet = UnsafeRawBufferPointer(rebasing: sharedPacket[..<encoded])
                startPacket()
                outgoing.writeBytes(packet)
                send(to: remote, payloadType: stream.payloadType, samples: opus != nil ? OpusCodec.rtpDuration(of: packet) : encoded)
                return
            }
        } else {
            frame.update(repeating: 0)
        }
        sendFrame(UnsafeBufferPointer(frame), to: remote)
    }
}
