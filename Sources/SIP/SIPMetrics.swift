import Metrics

/// The SIP layer's counters (swift-metrics; the server exports them to Prometheus). The
/// handles are made once, so counting a message is an atomic add and no lookup.
enum SIPMetrics {
    private static let methods = ["INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE", "PRACK", "SUBSCRIBE", "NOTIFY",
        "MESSAGE", "REFER", "PUBLISH"]
    private static let requestsReceived = Dictionary(
        uniqueKeysWithValues: (methods + ["other"]).map { ($0, Counter(label: "parley_sip_requests_received_total", dimensions: [("method", $0)])) })
    private static let responsesReceived = classes("parley_sip_responses_received_total")
    private static let responsesSent = classes("parley_sip_responses_sent_total")
    private static let malformed = Counter(label: "parley_sip_messages_dropped_total", dimensions: [("reason", "malformed")])
    private static let unmatched = Counter(label: "parley_sip_messages_dropped_total", dimensions: [("reason", "unmatched")])

    private static func classes(_ label: String) -> [Counter] {
        (1...6).map { Counter(label: label, dimensions: [("class", "\($0)xx")]) }
    }

    static func received(request method: String) {
        (requestsReceived[method] ?? requestsReceived["other"])?.increment()
    }

    static func received(response status: Int) {
        count(status, in: responsesReceived)
    }

    /// A response leaving Parley, retransmissions included: its status is read off the bytes.
    static func sent(_ bytes: [UInt8]) {
        // "SIP/2.0 NXX": the class digit is the ninth byte of a response; requests start otherwise.
        guard bytes.count > 8, bytes[0] == UInt8(ascii: "S"), bytes[3] == UInt8(ascii: "/") else { return }
        count(Int(bytes[8]) - Int(UInt8(ascii: "0")), in: responsesSent, isClass: true)
    }

    static func droppedMalformed() { malformed.increment() }
    static func droppedUnmatched() { unmatched.increment() }

    private static func count(_ status: Int, in counters: [Counter], isClass: Bool = false) {
        let index = (isClass ? status : status / 100) - 1
        if counters.indices.contains(index) { counters[index].increment() }
    }
}
