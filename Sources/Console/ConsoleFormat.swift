import Foundation

/// How the console writes times and durations: ISO 8601 in UTC, which sorts and reads the same
/// everywhere (the `<time>` element carries it for the browser).
enum ConsoleFormat {
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        return date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }

    static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash))
    }

    static func duration(_ seconds: Int?) -> String {
        guard let seconds else { return "" }
        return seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s"
    }

    /// A text for a Mustache section: false when empty, since the template library takes an
    /// empty string as true and would draw its section.
    static func shown(_ text: String) -> Any {
        text.isEmpty ? false : text
    }
}
