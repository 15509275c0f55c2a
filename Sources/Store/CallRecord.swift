import Foundation

/// The detail record of one call leg (CDR), written at every state change so that a crash
/// loses nothing; Twilio's Call resource shows it.
public struct CallRecord: Sendable, Equatable {
    public var sid: CallSid
    public var accountSid: AccountSid
    public var parentCallSid: CallSid?
    public var to: String
    public var from: String
    public var status: CallStatus
    public var direction: CallDirection
    public var phoneNumberSid: PhoneNumberSid?
    public var forwardedFrom: String?
    public var callerName: String?
    /// The SIP Call-ID of the leg's dialog.
    public var sipCallID: String?
    public var startTime: Date?
    public var endTime: Date?
    public var dateCreated: Date
    public var dateUpdated: Date
    /// The audio's loss, jitter and round trip, written when the call ends.
    public var quality: CallQuality?

    public init(
        sid: CallSid, accountSid: AccountSid, parentCallSid: CallSid? = nil, to: String, from: String,
        status: CallStatus, direction: CallDirection, phoneNumberSid: PhoneNumberSid? = nil,
        forwardedFrom: String? = nil, callerName: String? = nil, sipCallID: String? = nil,
        startTime: Date? = nil, endTime: Date? = nil, dateCreated: Date, dateUpdated: Date, quality: CallQuality? = nil
    ) {
        self.quality = quality
        self.sid = sid
        self.accountSid = accountSid
        self.parentCallSid = parentCallSid
        self.to = to
        self.from = from
        self.status = status
        self.direction = direction
        self.phoneNumberSid = phoneNumberSid
        self.forwardedFrom = forwardedFrom
        self.callerName = callerName
        self.sipCallID = sipCallID
        self.startTime = startTime
        self.endTime = endTime
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    /// Whole seconds between answer and end; nil until the call has ended.
    public var duration: Int? {
        guard let endTime else { return nil }
        guard let startTime else { return 0 }
        return max(0, Int(endTime.timeIntervalSince(startTime).rounded(.down)))
    }
}

/// How a call's audio fared (RTP counters and RTCP reports), kept on its record.
public struct CallQuality: Sendable, Equatable, Codable {
    public var packetsSent: Int
    public var packetsReceived: Int
    public var packetsLost: Int
    public var jitterMilliseconds: Double
    public var roundTripMilliseconds: Double?
    public var farEndPacketsLost: Int?
    public var farEndJitterMilliseconds: Double?
    public var reportsReceived: Int
    /// SRTP packets dropped for failing authentication; nil for plain RTP.
    public var srtpRejected: Int?
    /// RTP packets dropped for coming from an address that is not the far end's; nil on
    /// records from before it was counted.
    public var strangerPackets: Int?
    /// The jitter buffer's mean added delay, share of arrived packets not played, and share of
    /// concealed frames; nil when it played nothing (and on records from before it existed).
    public var playoutDelayMilliseconds: Double?
    public var lateLossRate: Double?
    public var concealmentRatio: Double?

    public init(
        packetsSent: Int, packetsReceived: Int, packetsLost: Int, jitterMilliseconds: Double, roundTripMilliseconds: Double?,
        farEndPacketsLost: Int?, farEndJitterMilliseconds: Double?, reportsReceived: Int, srtpRejected: Int? = nil,
        strangerPackets: Int? = nil, playoutDelayMilliseconds: Double? = nil, lateLossRate: Double? = nil, concealmentRatio: Double? = nil
    ) {
        self.strangerPackets = strangerPackets
        self.srtpRejected = srtpRejected
        self.playoutDelayMilliseconds = playoutDelayMilliseconds
        self.lateLossRate = lateLossRate
        self.concealmentRatio = concealmentRatio
        self.packetsSent = packetsSent
        self.packetsReceived = packetsReceived
        self.packetsLost = packetsLost
        self.jitterMilliseconds = jitterMilliseconds
        self.roundTripMilliseconds = roundTripMilliseconds
        self.farEndPacketsLost = farEndPacketsLost
        self.farEndJitterMilliseconds = farEndJitterMilliseconds
        self.reportsReceived = reportsReceived
    }
}

/// Twilio's call statuses; the last five are final.
public enum CallStatus: String, Sendable, CaseIterable {
    case queued, ringing
    case inProgress = "in-progress"
    case completed, busy, failed
    case noAnswer = "no-answer"
    case canceled

    public var isFinal: Bool {
        switch self {
        case .queued, .ringing, .inProgress: false
        default: true
        }
    }
}

public enum CallDirection: String, Sendable, CaseIterable {
    case inbound
    case outboundAPI = "outbound-api"
    case outboundDial = "outbound-dial"
}

/// Filters of the Calls list; nil matches anything.
public struct CallFilter: Sendable {
    public var to: String?
    public var from: String?
    public var status: CallStatus?
    public var direction: CallDirection?
    /// Calls from or to this address (the console's one "number" filter).
    public var party: String?
    public var parentCallSid: CallSid?
    /// Calls that started on or after / before this instant.
    public var startedAfter: Date?
    public var startedBefore: Date?
    /// Calls that ended on or after / before this instant.
    public var endedAfter: Date?
    public var endedBefore: Date?

    public init() {}
}

/// Storage of call records.
public protocol CallRepository: Sendable {
    func insert(_ call: CallRecord) async throws
    /// Writes the call's state; a record that already reached a final status is left as it
    /// is, so a late write of an earlier state can never reopen a finished call.
    func update(_ call: CallRecord) async throws
    func find(_ sid: CallSid, account: AccountSid) async throws -> CallRecord?
    /// Newest first.
    func list(account: AccountSid, filter: CallFilter, page: PageRequest) async throws -> PageResult<CallRecord>
    /// Ends every call still open (after a crash): answered ones `completed`, others `failed`,
    /// with `endTime` = `now`. Returns how many were closed.
    func closeOpenCalls(at now: Date) async throws -> Int
    /// Calls not finished (queued, ringing, in progress) across accounts, oldest first: the
    /// administrator's view of what is live.
    func unfinished() async throws -> [CallRecord]
    /// The `limit` newest calls across accounts, newest first.
    func recent(limit: Int) async throws -> [CallRecord]
    /// Deletes one finished call's record; false when there is none (or it is not finished).
    func delete(_ sid: CallSid, account: AccountSid) async throws -> Bool
    /// Deletes the records of finished calls created before `date`; returns how many.
    func purge(createdBefore date: Date) async throws -> Int
}
