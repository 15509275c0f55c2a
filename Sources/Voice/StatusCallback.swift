import Store

/// Where and on which events a call tells its application how it progresses: Twilio's
/// `StatusCallback`, `StatusCallbackMethod` and `StatusCallbackEvent` (by default only
/// `completed`).
public struct StatusCallback: Sendable, Equatable {
    public enum Event: String, Sendable, CaseIterable {
        case initiated, ringing, answered, completed
    }

    public var url: String
    public var method: WebhookMethod
    public var events: Set<Event>

    public init(url: String, method: WebhookMethod = .post, events: Set<Event> = [.completed]) {
        self.url = url
        self.method = method
        self.events = events.isEmpty ? [.completed] : events
    }

    /// Reads `StatusCallbackEvent`: names separated by spaces or commas. Nil names the first
    /// unknown event.
    public static func events(parsing text: String) -> Result<Set<Event>, UnknownEvent> {
        var events: Set<Event> = []
        for name in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let event = Event(rawValue: name.lowercased()) else { return .failure(UnknownEvent(name: String(name))) }
            events.insert(event)
        }
        return .success(events)
    }

    public struct UnknownEvent: Error, Equatable {
        public let name: String
    }
}
