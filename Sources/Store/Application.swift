import Foundation

/// A voice application: where Parley fetches RCML when a call reaches a number or Client
/// bound to it, where it falls back, and where it reports call progress.
public struct Application: Sendable, Equatable {
    public var sid: ApplicationSid
    public var accountSid: AccountSid
    public var friendlyName: String
    public var voiceUrl: String?
    public var voiceMethod: WebhookMethod
    public var voiceFallbackUrl: String?
    public var voiceFallbackMethod: WebhookMethod
    public var statusCallback: String?
    public var statusCallbackMethod: WebhookMethod
    public var voiceCallerIdLookup: Bool
    public var kind: ApplicationChannel
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: ApplicationSid, accountSid: AccountSid, friendlyName: String, voiceUrl: String? = nil,
        voiceMethod: WebhookMethod = .post, voiceFallbackUrl: String? = nil,
        voiceFallbackMethod: WebhookMethod = .post, statusCallback: String? = nil,
        statusCallbackMethod: WebhookMethod = .post, voiceCallerIdLookup: Bool = false,
        kind: ApplicationChannel = .voice, dateCreated: Date, dateUpdated: Date
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.voiceUrl = voiceUrl
        self.voiceMethod = voiceMethod
        self.voiceFallbackUrl = voiceFallbackUrl
        self.voiceFallbackMethod = voiceFallbackMethod
        self.statusCallback = statusCallback
        self.statusCallbackMethod = statusCallbackMethod
        self.voiceCallerIdLookup = voiceCallerIdLookup
        self.kind = kind
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// Restcomm's application `kind`: which kind of session the application drives.
public enum ApplicationChannel: String, Sendable, CaseIterable {
    case voice, sms, ussd
}
