import Foundation

/// A call recording (Twilio's Recordings resource). Its row is written when recording starts,
/// so a recording cut by a crash is found and closed on restart; `duration` is known once it
/// is `completed`. The WAV file lives in the data directory under the account's folder.
public struct Recording: Sendable, Equatable {
    public var sid: RecordingSid
    public var accountSid: AccountSid
    /// The call recorded; nil for a conference's recording of its mix.
    public var callSid: CallSid?
    /// The conference whose mix this is (a recorded `<Conference>`).
    public var conferenceSid: ConferenceSid?
    public var status: RecordingStatus
    /// Whole seconds; nil while recording.
    public var duration: Int?
    public var channels: Int
    /// Where it came from: `RecordVerb`, `DialVerb` or `Conference`.
    public var source: String
    /// The secret part of the public URL (FlexIO's `core_PublicRecordingUrl`); nil when the
    /// public URL is disabled.
    public var publicToken: String?
    public var startTime: Date
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: RecordingSid, accountSid: AccountSid, callSid: CallSid?, conferenceSid: ConferenceSid? = nil,
        status: RecordingStatus = .inProgress, duration: Int? = nil,
        channels: Int = 1, source: String, publicToken: String?, startTime: Date, dateCreated: Date, dateUpdated: Date
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.callSid = callSid
        self.conferenceSid = conferenceSid
        self.status = status
        self.duration = duration
        self.channels = channels
        self.source = source
        self.publicToken = publicToken
        self.startTime = startTime
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    /// How long recordings are kept (FlexIO policy): one year.
    public static let retention: TimeInterval = 365 * 24 * 3600
}

public enum RecordingStatus: String, Sendable, CaseIterable {
    case inProgress = "in-progress"
    case completed
    case absent
}
