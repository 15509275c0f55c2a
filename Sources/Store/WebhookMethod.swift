/// The HTTP method Parley uses to request an application URL; Twilio allows only these two.
public enum WebhookMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case post = "POST"
}
