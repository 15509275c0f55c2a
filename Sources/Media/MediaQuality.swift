/// How a session's audio fared, from its own counters and the far end's RTCP reports: what
/// the call record keeps (RFC 3550's loss, jitter and round-trip figures).
public struct MediaQuality: Sendable, Equatable {
    public var packetsSent: Int
    public var packetsReceived: Int
    /// Packets the far end sent that never arrived (by sequence numbers).
    public var packetsLost: Int
    /// Interarrival jitter of what was received, in milliseconds.
    public var jitterMilliseconds: Double
    /// From the far end's reports about our stream; nil without such a report.
    public var roundTripMilliseconds: Double?
    public var farEndPacketsLost: Int?
    public var farEndJitterMilliseconds: Double?
    /// RTCP packets received from the far end.
    public var reportsReceived: Int
    /// SRTP packets dropped because their authentication failed; nil for plain RTP.
    public var srtpRejected: Int?
    /// Packets dropped because they came from neither the far end's SDP address nor its
    /// signalling address: strangers spraying the port range.
    public var strangerPackets: Int
    /// What the jitter buffer did; nil when it played nothing (a call only bridged, say).
    public var playout: Playout?

    /// The jitter buffer's figures for the call.
    public struct Playout: Sendable, Equatable {
        /// Mean time from a packet's arrival to its playout.
        public var addedDelayMilliseconds: Double
        /// Arrived packets not played (too late, or skipped to follow the sender's clock).
        public var lateLossRate: Double
        /// Ticks that played a concealed frame.
        public var concealmentRatio: Double

        public init(addedDelayMilliseconds: Double, lateLossRate: Double, concealmentRatio: Double) {
            self.addedDelayMilliseconds = addedDelayMilliseconds
            self.lateLossRate = lateLossRate
            self.concealmentRatio = concealmentRatio
        }
    }

    public init(
        packetsSent: Int = 0, packetsReceived: Int = 0, packetsLost: Int = 0, jitterMilliseconds: Double = 0,
        roundTripMilliseconds: Double? = nil, farEndPacketsLost: Int? = nil, farEndJitterMilliseconds: Double? = nil, reportsReceived: Int = 0,
        srtpRejected: Int? = nil, strangerPackets: Int = 0, playout: Playout? = nil
    ) {
        self.strangerPackets = strangerPackets
        self.srtpRejected = srtpRejected
        self.playout = playout
        self.packetsSent = packetsSent
        self.packetsReceived = packetsReceived
        self.packetsLost = packetsLost
        self.jitterMilliseconds = jitterMilliseconds
        self.roundTripMilliseconds = roundTripMilliseconds
        self.farEndPacketsLost = farEndPacketsLost
        self.farEndJitterMilliseconds = farEndJitterMilliseconds
        self.reportsReceived = reportsReceived
    }
}
