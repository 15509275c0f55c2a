import Foundation

/// One entry of an account's error log (Twilio's and Restcomm's Notifications resource):
/// what went wrong with a webhook, an RCML document or a call, kept for the user to read.
public struct NotificationEntry: Sendable, Equatable {
    public var sid: NotificationSid
    public var accountSid: AccountSid
    public var callSid: CallSid?
    public var level: NotificationLevel
    public var errorCode: Int
    public var moreInfo: String
    public var messageText: String
    public var messageDate: Date
    public var requestUrl: String?
    public var requestMethod: WebhookMethod?
    public var requestVariables: String?
    public var responseHeaders: String?
    public var responseBody: String?
    public var dateCreated: Date

    public init(
        sid: NotificationSid, accountSid: AccountSid, callSid: CallSid?, level: NotificationLevel,
        errorCode: Int, moreInfo: String, messageText: String, messageDate: Date,
        requestUrl: String? = nil, requestMethod: WebhookMethod? = nil,
        requestVariables: String? = nil, responseHeaders: String? = nil,
        responseBody: String? = nil, dateCreated: Date
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.callSid = callSid
        self.level = level
        self.errorCode = errorCode
        self.moreInfo = moreInfo
        self.messageText = messageText
        self.messageDate = messageDate
        self.requestUrl = requestUrl
        self.requestMethod = requestMethod
        self.requestVariables = requestVariables
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.dateCreated = dateCreated
    }
}

/// Twilio's `log` field: 0 for an error, 1 for a warning.
public enum NotificationLevel: Int, Sendable, CaseIterable {
    case error = 0
    case warning = 1
}
