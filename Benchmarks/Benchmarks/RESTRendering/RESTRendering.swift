import API
import Benchmark
import Store

/// The control plane's per-request work outside the database: decoding a Twilio-style form
/// body and rendering a full page of 50 resources as JSON and as XML.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    let form = "FriendlyName=My+IVR&VoiceUrl=https%3A%2F%2Fexample.com%2Fivr.xml&VoiceMethod=GET"
        + "&StatusCallback=https%3A%2F%2Fexample.com%2Fstatus&VoiceCallerIdLookup=false"
    Benchmark("decode an Applications form body") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FormParameters(encoded: form))
        }
    }

    let items = (0..<50).map { index in
        ResourceValue.object([
            "sid": .string(ApplicationSid.generate().rawValue),
            "friendly_name": .string("application \(index) <&>"),
            "voice_url": .string("https://example.com/\(index).xml"),
            "voice_method": .string("POST"),
            "voice_fallback_url": .null,
            "voice_caller_id_lookup": .boolean(false),
        ])
    }
    let page = ResourceValue.page(
        key: "applications", element: "Application",
        paging: [.init("page", .integer(0)), .init("page_size", .integer(50)), .init("next_page_uri", .null)],
        items: items)
    Benchmark("render a page of 50 applications as JSON") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(page.json) }
    }
    Benchmark("render a page of 50 applications as XML") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(page.xml(named: "Applications")) }
    }
}
