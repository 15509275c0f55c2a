import Metrics
import Store

/// The voice layer's metrics (swift-metrics; the server exports them to Prometheus): calls by
/// direction and how they ended, the media quality of each call, webhook and queue timings.
enum CallMetrics {
    /// A leg's record was written: it counts as started and active until `ended`.
    static func started(_ direction: CallDirection) {
        Counter(label: "parley_calls_started_total", dimensions: [("direction", direction.rawValue)]).increment()
        Meter(label: "parley_calls_active", dimensions: [("direction", direction.rawValue)]).increment()
    }

    /// A leg's final record: its status, and the jitter and round trip its media saw.
    static func ended(_ record: CallRecord) {
        let direction = record.direction.rawValue
        Meter(label: "parley_calls_active", dimensions: [("direction", direction)]).decrement()
        Counter(label: "parley_calls_ended_total", dimensions: [("direction", direction), ("status", record.status.rawValue)]).increment()
        guard let quality = record.quality, quality.packetsReceived > 0 else { return }
        Recorder(label: "parley_call_jitter_milliseconds").record(quality.jitterMilliseconds)
        if let roundTrip = quality.roundTripMilliseconds { Recorder(label: "parley_call_round_trip_milliseconds").record(roundTrip) }
    }

    /// One request to a tenant's web server (`rcml`: a document; `callback`: a status callback).
    static func webhook(_ kind: String, took duration: Duration, failedWith code: Int?) {
        Timer(label: "parley_webhook_duration_seconds", dimensions: [("kind", kind)]).record(duration: duration)
        if let code {
            Counter(label: "parley_webhook_failures_total", dimensions: [("kind", kind), ("code", String(code))]).increment()
        }
    }

    /// A caller left a queue (answered, hung up or moved on) after `waited`.
    static func queueWait(_ waited: Duration) {
        Timer(label: "parley_queue_wait_seconds").record(duration: waited)
    }
}
