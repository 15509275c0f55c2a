import Media
import Metrics
import Prometheus
import SIP
import Voice

/// What `/metrics` answers: the swift-metrics counters, meters and histograms the layers keep
/// (bootstrapped into `registry` by `MetricsExporter.bootstrap`), plus figures read at each
/// scrape from where they live: the media loops' packet totals (the packet path keeps plain
/// per-session counts and never touches a metric), the SIP tables, registrations,
/// conference rooms and queues.
public actor MetricsExporter {
    private let registry: PrometheusCollectorRegistry
    private let media: MediaEngine
    private let endpoint: SIPEndpoint
    private let registrar: Registrar
    private let conferences: Conferences
    private let queues: Queues
    /// The media totals already added to the counters: each scrape adds what is new.
    private var exported = MediaTotals()

    private let packetsReceived, packetsSent, packetsLost, packetsLate, framesConcealed, srtpRejected, strangers: Prometheus.Counter
    private let sessions, inviteTransactions, dialogs, cachedResponses, registrations, rooms, participants, waiting: Prometheus.Gauge

    init(
        registry: PrometheusCollectorRegistry, media: MediaEngine, endpoint: SIPEndpoint, registrar: Registrar, conferences: Conferences,
        queues: Queues
    ) {
        self.registry = registry
        self.media = media
        self.endpoint = endpoint
        self.registrar = registrar
        self.conferences = conferences
        self.queues = queues
        packetsReceived = registry.makeCounter(name: "parley_rtp_packets_received_total", help: "RTP packets received from far ends")
        packetsSent = registry.makeCounter(name: "parley_rtp_packets_sent_total", help: "RTP packets sent")
        packetsLost = registry.makeCounter(name: "parley_rtp_packets_lost_total", help: "RTP packets expected by sequence number that never arrived")
        packetsLate = registry.makeCounter(
            name: "parley_rtp_packets_late_total", help: "RTP packets that arrived after their playout time, or were skipped to cut the delay")
        framesConcealed = registry.makeCounter(name: "parley_rtp_frames_concealed_total", help: "Frames the jitter buffers played by concealment")
        srtpRejected = registry.makeCounter(name: "parley_srtp_authentication_failures_total", help: "SRTP packets dropped for failing authentication")
        strangers = registry.makeCounter(
            name: "parley_rtp_stranger_packets_dropped_total", help: "RTP packets dropped for coming from an address that is not the far end's")
        sessions = registry.makeGauge(name: "parley_media_sessions", help: "RTP sessions open")
        inviteTransactions = registry.makeGauge(name: "parley_sip_invite_transactions", help: "INVITE server transactions kept (bounded)")
        dialogs = registry.makeGauge(name: "parley_sip_dialogs", help: "SIP dialogs and INVITE transactions known by dialog")
        cachedResponses = registry.makeGauge(
            name: "parley_sip_cached_responses", help: "Non-INVITE transactions in the response cache (bounded)")
        registrations = registry.makeGauge(name: "parley_registrations", help: "Client contacts registered")
        rooms = registry.makeGauge(name: "parley_conference_rooms", help: "Conference rooms in progress")
        participants = registry.makeGauge(name: "parley_conference_participants", help: "Participants in conference rooms")
        waiting = registry.makeGauge(name: "parley_queue_members", help: "Callers waiting in queues")
    }

    /// The Prometheus text exposition of every metric, refreshed.
    func scrape() async -> [UInt8] {
        let totals = await media.totals()
        for (counter, now, before) in [
            (packetsReceived, totals.packetsReceived, exported.packetsReceived), (packetsSent, totals.packetsSent, exported.packetsSent),
            (packetsLost, totals.packetsLost, exported.packetsLost), (packetsLate, totals.packetsLate, exported.packetsLate),
            (framesConcealed, totals.framesConcealed, exported.framesConcealed), (srtpRejected, totals.srtpRejected, exported.srtpRejected),
            (strangers, totals.strangerPackets, exported.strangerPackets),
        ] where now > before {
            counter.increment(by: Int64(now - before))
        }
        exported = totals
        sessions.set(Double(totals.sessions))
        let tables = endpoint.tableSizes
        inviteTransactions.set(Double(tables.inviteTransactions))
        dialogs.set(Double(tables.dialogs))
        cachedResponses.set(Double(tables.cachedResponses))
        registrations.set(Double(await registrar.contactCount))
        let occupancy = await conferences.occupancy()
        rooms.set(Double(occupancy.rooms))
        participants.set(Double(occupancy.participants))
        waiting.set(Double(await queues.waiting()))
        return registry.emitToBuffer()
    }

    /// Points swift-metrics at `registry`, with buckets that suit each histogram. Once per
    /// process, before any layer makes a metric.
    public static func bootstrap(_ registry: PrometheusCollectorRegistry) {
        var factory = PrometheusMetricsFactory(registry: registry)
        func milliseconds(_ values: Int...) -> [Duration] { values.map { .milliseconds($0) } }
        factory.durationHistogramBuckets = [
            "parley_webhook_duration_seconds": milliseconds(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 15000),
            "parley_database_write_duration_seconds": milliseconds(1, 2, 5, 10, 25, 50, 100, 250, 1000),
            "parley_tts_duration_seconds": milliseconds(10, 25, 50, 100, 250, 500, 1000, 2500, 5000),
            "parley_speech_recognition_duration_seconds": milliseconds(50, 100, 250, 500, 1000, 2500, 5000, 10000),
            "parley_queue_wait_seconds": milliseconds(1000, 5000, 15000, 30000, 60000, 120000, 300000, 600000, 1_800_000),
        ]
        factory.valueHistogramBuckets = [
            "parley_call_jitter_milliseconds": [0.5, 1, 2, 5, 10, 20, 40, 80, 160],
            "parley_call_round_trip_milliseconds": [1, 5, 10, 20, 50, 100, 200, 400, 800],
        ]
        MetricsSystem.bootstrap(factory)
    }
}
