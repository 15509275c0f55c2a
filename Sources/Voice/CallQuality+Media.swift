import Media
import Store

extension CallQuality {
    /// The record's form of a session's figures.
    init(_ media: MediaQuality) {
        self.init(
            packetsSent: media.packetsSent, packetsReceived: media.packetsReceived, packetsLost: media.packetsLost,
            jitterMilliseconds: media.jitterMilliseconds, roundTripMilliseconds: media.roundTripMilliseconds,
            farEndPacketsLost: media.farEndPacketsLost, farEndJitterMilliseconds: media.farEndJitterMilliseconds,
            reportsReceived: media.reportsReceived, srtpRejected: media.srtpRejected, strangerPackets: media.strangerPackets,
            playoutDelayMilliseconds: media.playout?.addedDelayMilliseconds, lateLossRate: media.playout?.lateLossRate,
            concealmentRatio: media.playout?.concealmentRatio)
    }
}
