/// Packet counts summed over sessions, for the metrics endpoint: each loop adds up its live
/// sessions and those it closed when asked, so the packet path counts nothing twice and
/// shares nothing with the exporter.
public struct MediaTotals: Sendable, Equatable {
    public var sessions = 0
    public var packetsReceived = 0
    public var packetsSent = 0
    /// Expected by sequence number and never arrived.
    public var packetsLost = 0
    /// Arrived after their frame was played, or skipped to bring the delay down.
    public var packetsLate = 0
    /// Frames the jitter buffer played by concealment.
    public var framesConcealed = 0
    /// SRTP packets whose authentication failed.
    public var srtpRejected = 0
    /// Packets from neither the far end's SDP address nor its signalling address.
    public var strangerPackets = 0

    public init() {}

    static func + (left: MediaTotals, right: MediaTotals) -> MediaTotals {
        var sum = left
        sum.sessions += right.sessions
        sum.packetsReceived += right.packetsReceived
        sum.packetsSent += right.packetsSent
        sum.packetsLost += right.packetsLost
        sum.packetsLate += right.packetsLate
        sum.framesConcealed += right.framesConcealed
        sum.srtpRejected += right.srtpRejected
        sum.strangerPackets += right.strangerPackets
        return sum
    }
}
