/// The body format a client asked for: Restcomm's rule is JSON when a path segment ends in
/// `.json` or `Accept` mentions JSON, XML otherwise.
public enum ResponseFormat: Sendable {
    case json
    case xml
}

/// The two path roots that serve the same handlers. URIs in a response use the root of the
/// request, so a Twilio helper library follows links without leaving its own root.
public enum APIRoot: Sendable, CaseIterable {
    /// Twilio's `/2010-04-01`, used by the official helper libraries.
    case twilio
    /// Restcomm's `/restcomm/2012-04-24`.
    case restcomm

    public var path: String {
        switch self {
        case .twilio: "/2010-04-01"
        case .restcomm: "/restcomm/2012-04-24"
        }
    }

    public var apiVersion: String {
        switch self {
        case .twilio: "2010-04-01"
        case .restcomm: "2012-04-24"
        }
    }

    /// The root element of XML bodies.
    var xmlRootElement: String {
        switch self {
        case .twilio: "TwilioResponse"
        case .restcomm: "RestcommResponse"
        }
    }
}
