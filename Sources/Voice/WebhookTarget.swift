import Store

/// Where a call's RCML comes from: the voice URL of the application, number or Client the call
/// reached, with its method and fallback; or, for `POST Calls` with `Twiml`, the document
/// itself (its relative URLs have no base).
public struct WebhookTarget: Sendable, Equatable {
    public var url: String
    public var method: WebhookMethod
    public var fallbackURL: String?
    public var fallbackMethod: WebhookMethod
    /// An RCML document given inline, run without a request.
    public var document: RCMLDocument?

    /// The document given inline (`Twiml`), already checked.
    public init(document: RCMLDocument) {
        self.init(url: "")
        self.document = document
    }

    public init(url: String, method: WebhookMethod = .post, fallbackURL: String? = nil, fallbackMethod: WebhookMethod = .post) {
        self.url = url
        self.method = method
        self.fallbackURL = fallbackURL
        self.fallbackMethod = fallbackMethod
    }

    /// An application's voice URL, if it has one.
    public init?(application: Application) {
        guard let url = application.voiceUrl else { return nil }
        self.init(
            url: url, method: application.voiceMethod, fallbackURL: application.voiceFallbackUrl,
            fallbackMethod: application.voiceFallbackMethod)
    }

    /// A number's own voice URL, if it has one.
    public init?(routing: NumberRouting) {
        guard let url = routing.voiceUrl else { return nil }
        self.init(url: url, method: routing.voiceMethod, fallbackURL: routing.voiceFallbackUrl, fallbackMethod: routing.voiceFallbackMethod)
    }

    /// A Client's own voice URL, if it has one.
    public init?(client: Client) {
        guard let url = client.voiceUrl else { return nil }
        self.init(url: url, method: client.voiceMethod, fallbackURL: client.voiceFallbackUrl, fallbackMethod: client.voiceFallbackMethod)
    }
}
