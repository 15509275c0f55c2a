import Foundation
import Logging
import SMTP
import Store
import Voice

/// Smart 2FA with Twilio Verify v2's shape: services, verifications sent by SMS, voice call or
/// e-mail with fallback from one to the next, and checks. Codes are random digits, stored only
/// hashed, valid `codeLifetime`, checked at most `maximumChecks` times and approved once.
/// Sends are limited per destination (in the database, so a restart forgets nothing), per
/// account and per source address.
public final class VerifyService: Sendable {
    public struct Configuration: Sendable {
        public var codeLifetime: TimeInterval
        public var maximumChecks: Int
        /// Codes one destination may be sent within `sendWindow`.
        public var sendsPerDestination: Int
        public var sendWindow: TimeInterval
        public var verificationsPerAccountPerMinute: Int
        public var verificationsPerSourcePerMinute: Int
        /// The operator's number verification calls come from; nil: no call channel.
        public var callerID: String?

        public init(
            codeLifetime: TimeInterval = 600, maximumChecks: Int = 5, sendsPerDestination: Int = 5, sendWindow: TimeInterval = 600,
            verificationsPerAccountPerMinute: Int = 600, verificationsPerSourcePerMinute: Int = 600, callerID: String? = nil
        ) {
            self.codeLifetime = codeLifetime
            self.maximumChecks = maximumChecks
            self.sendsPerDestination = sendsPerDestination
            self.sendWindow = sendWindow
            self.verificationsPerAccountPerMinute = verificationsPerAccountPerMinute
            self.verificationsPerSourcePerMinute = verificationsPerSourcePerMinute
            self.callerID = callerID
        }
    }

    /// What a new or updated service may set; nil keeps the default or the current value.
    public struct ServiceSettings: Sendable {
        public var friendlyName: String?
        public var codeLength: Int?
        public var defaultLocale: String?
        public var channelOrder: [VerificationChannel]?

        public init(friendlyName: String? = nil, codeLength: Int? = nil, defaultLocale: String? = nil, channelOrder: [VerificationChannel]? = nil) {
            self.friendlyName = friendlyName
            self.codeLength = codeLength
            self.defaultLocale = defaultLocale
            self.channelOrder = channelOrder
        }
    }

    private let configuration: Configuration
    private let verifications: any VerificationRepository
    private let dispatcher: VerificationDispatcher
    private let clock: any WallClock
    private let perAccount: SlidingWindowLimit
    private let perSource: SlidingWindowLimit

    public init(
        configuration: Configuration, verifications: any VerificationRepository, sms: SMSService, email: EmailService, calls: OutboundCalls?,
        fetcher: RCMLFetcher, clock: any WallClock, logger: Logger
    ) {
        self.configuration = configuration
        self.verifications = verifications
        self.clock = clock
        dispatcher = VerificationDispatcher(
            verifications: verifications, sms: sms, email: email, calls: calls, documents: fetcher.internalDocuments,
            callerID: configuration.callerID, codeLifetime: configuration.codeLifetime, clock: clock, logger: logger)
        perAccount = SlidingWindowLimit(limit: configuration.verificationsPerAccountPerMinute, window: 60)
        perSource = SlidingWindowLimit(limit: configuration.verificationsPerSourcePerMinute, window: 60)
    }

    // MARK: Services

    public func createService(account: AccountSid, _ settings: ServiceSettings) async throws -> VerifyServiceRecord {
        guard let name = settings.friendlyName, !name.isEmpty, name.count <= 64 else {
            throw VerifyRefusal.invalid("FriendlyName", "a name of 1 to 64 characters is required")
        }
        let now = clock.now()
        var service = VerifyServiceRecord(
            sid: .generate(), accountSid: account, friendlyName: name, codeLength: 6, defaultLocale: "en", channelOrder: [.sms, .call, .email],
            dateCreated: now, dateUpdated: now)
        try apply(settings, to: &service)
        try await verifications.insertService(service)
        return service
    }

    public func updateService(account: AccountSid, sid: VerifyServiceSid, _ settings: ServiceSettings) async throws -> VerifyServiceRecord {
        var service = try await service(account: account, sid: sid)
        try apply(settings, to: &service)
        service.dateUpdated = clock.now()
        try await verifications.updateService(service)
        return service
    }

    public func service(account: AccountSid, sid: VerifyServiceSid) async throws -> VerifyServiceRecord {
        guard let service = try await verifications.service(sid, account: account) else { throw VerifyRefusal.notFound }
        return service
    }

    public func services(account: AccountSid, page: PageRequest) async throws -> PageResult<VerifyServiceRecord> {
        try await verifications.services(of: account, page: page)
    }

    public func deleteService(account: AccountSid, sid: VerifyServiceSid) async throws {
        guard try await verifications.deleteService(sid, account: account) else { throw VerifyRefusal.notFound }
    }

    private func apply(_ settings: ServiceSettings, to service: inout VerifyServiceRecord) throws {
        if let name = settings.friendlyName {
            guard !name.isEmpty, name.count <= 64 else { throw VerifyRefusal.invalid("FriendlyName", "1 to 64 characters") }
            service.friendlyName = name
        }
        if let length = settings.codeLength {
            guard (4...10).contains(length) else { throw VerifyRefusal.invalid("CodeLength", "\(length) is not 4 to 10") }
            service.codeLength = length
        }
        if let locale = settings.defaultLocale {
            guard VerificationTexts.locales.contains(locale) else { throw VerifyRefusal.invalid("DefaultLocale", "one of en, fr, nl, de") }
            service.defaultLocale = locale
        }
        if let order = settings.channelOrder {
            guard !order.isEmpty, Set(order).count == order.count else {
                throw VerifyRefusal.invalid("ChannelOrder", "a list of sms, call and email, each at most once")
            }
            service.channelOrder = order
        }
    }

    // MARK: Verifications

    /// Starts (or, for a destination with a pending verification, restarts with a new code) a
    /// verification, and returns once its first channel has been tried; fallback goes on behind.
    public func start(
        account: AccountSid, serviceSid: VerifyServiceSid, to rawTo: String, channel: String, locale: String?, customFriendlyName: String?,
        email: String?, source: String
    ) async throws -> (VerificationRecord, [VerificationAttempt]) {
        let service = try await self.service(account: account, sid: serviceSid)
        let (to, channels) = try route(rawTo, channel: channel, email: email, order: service.channelOrder)
        let locale = locale ?? service.defaultLocale
        guard VerificationTexts.locales.contains(locale) else { throw VerifyRefusal.invalid("Locale", "one of en, fr, nl, de") }
        if let email, !email.isEmpty, !MailMessage.isValidAddress(email) { throw VerifyRefusal.invalid("Email", "'\(email)' is not an e-mail address") }
        let now = clock.now()
        guard perSource.take(source, now: now), perAccount.take(account.rawValue, now: now) else { throw VerifyRefusal.tooManyRequests }
        let code = Self.code(length: service.codeLength)
        let fresh = VerificationRecord(
            sid: .generate(), serviceSid: serviceSid, accountSid: account, to: to, email: email.flatMap { $0.isEmpty ? nil : $0 },
            channel: channel, locale: locale, customFriendlyName: customFriendlyName, status: .pending, codeHash: "", checks: 0,
            expiresAt: now.addingTimeInterval(configuration.codeLifetime), dateCreated: now, dateUpdated: now)
        let attemptSid = VerificationAttemptSid.generate()
        guard
            let (verification, attempts) = try await verifications.start(
                fresh, codeHash: { Self.hash(code, of: $0) }, attemptSid: attemptSid, channel: channels[0],
                sendLimit: configuration.sendsPerDestination, since: now.addingTimeInterval(-configuration.sendWindow)),
            let first = attempts.first(where: { $0.sid == attemptSid })
        else { throw VerifyRefusal.tooManySends }
        let name = customFriendlyName ?? service.friendlyName
        Task { [dispatcher] in await dispatcher.run(verification, code: code, name: name, first: first, channels: channels) }
        return (verification, attempts)
    }

    public func verification(account: AccountSid, serviceSid: VerifyServiceSid, sid: VerificationSid) async throws
        -> (VerificationRecord, [VerificationAttempt])
    {
        let now = clock.now()
        guard let (verification, _) = try await verifications.modify(.sid(sid), service: serviceSid, account: account, change: { Self.expire(&$0, now: now) })
        else { throw VerifyRefusal.notFound }
        return (verification, try await verifications.attempts(of: sid))
    }

    /// Twilio's update: `canceled` or `approved` by the application itself.
    public func update(account: AccountSid, serviceSid: VerifyServiceSid, sid: VerificationSid, status: VerificationStatus) async throws
        -> (VerificationRecord, [VerificationAttempt])
    {
        guard status == .canceled || status == .approved else { throw VerifyRefusal.invalid("Status", "must be canceled or approved") }
        let now = clock.now()
        let changed = try await verifications.modify(.sid(sid), service: serviceSid, account: account) { verification in
            Self.expire(&verification, now: now)
            guard verification.status == .pending else { return false }
            verification.status = status
            verification.dateUpdated = now
            return true
        }
        guard let (verification, ended) = changed, ended else { throw VerifyRefusal.notFound }
        return (verification, try await verifications.attempts(of: sid))
    }

    /// What a check came to.
    private enum CheckOutcome: Sendable {
        case notFound, tooManyChecks, wrong, approved
    }

    /// Checks a code against the pending verification of `to` (or `verificationSid`): a right
    /// code approves it, once; a wrong one leaves it pending until the checks run out. Finding
    /// it, counting the check and approving it are one transaction, so two checks at once
    /// cannot both pass.
    public func check(account: AccountSid, serviceSid: VerifyServiceSid, to: String?, verificationSid: VerificationSid?, code: String) async throws
        -> (verification: VerificationRecord, valid: Bool)
    {
        let locator: VerificationLocator
        if let verificationSid {
            locator = .sid(verificationSid)
        } else if let to {
            locator = .pending(to: to.contains("@") ? to : BelgianNumberPlan.normalise(to) ?? to)
        } else {
            throw VerifyRefusal.invalid("To", "To or VerificationSid is required")
        }
        let (now, maximumChecks) = (clock.now(), configuration.maximumChecks)
        let checked = try await verifications.modify(locator, service: serviceSid, account: account) { verification -> CheckOutcome in
            Self.expire(&verification, now: now)
            guard verification.status == .pending else { return .notFound }
            verification.checks += 1
            guard verification.checks <= maximumChecks else { return .tooManyChecks }
            guard SecretHash.constantTimeEquals(Self.hash(code, of: verification.sid), verification.codeHash) else { return .wrong }
            verification.status = .approved
            verification.dateUpdated = now
            return .approved
        }
        guard let (verification, outcome) = checked else { throw VerifyRefusal.notFound }
        switch outcome {
        case .notFound: throw VerifyRefusal.notFound
        case .tooManyChecks: throw VerifyRefusal.tooManyChecks
        case .wrong: return (verification, false)
        case .approved: return (verification, true)
        }
    }

    /// A pending verification whose time is up becomes expired.
    private static func expire(_ verification: inout VerificationRecord, now: Date) {
        guard verification.status == .pending, verification.expiresAt <= now else { return }
        verification.status = .expired
        verification.dateUpdated = now
    }

    /// The destination in its stored form and the channels to try, in order: the one asked
    /// for first, then the rest of the service's order that can reach the destination.
    private func route(_ to: String, channel: String, email: String?, order: [VerificationChannel]) throws -> (String, [VerificationChannel]) {
        let isEmail = to.contains("@")
        let destination: String
        if isEmail {
            guard MailMessage.isValidAddress(to) else { throw VerifyRefusal.invalid("To", "'\(to)' is not an e-mail address or a Belgian number") }
            destination = to
        } else {
            guard let number = BelgianNumberPlan.normalise(to) else {
                throw VerifyRefusal.invalid("To", "'\(to)' is not an e-mail address or a Belgian number")
            }
            destination = number
        }
        let mobile = !isEmail && BelgianNumberPlan.classify(destination)?.type == .mobile
        let hasEmail = isEmail || !(email ?? "").isEmpty
        func reaches(_ channel: VerificationChannel) -> Bool {
            switch channel {
            case .sms: mobile
            case .call: !isEmail
            case .email: hasEmail
            }
        }
        var channels = order.filter(reaches)
        if channel != "auto" {
            guard let asked = VerificationChannel(rawValue: channel) else {
                throw VerifyRefusal.invalid("Channel", "'\(channel)' is not sms, call, email or auto")
            }
            guard reaches(asked) else {
                throw VerifyRefusal(
                    status: 400, code: asked == .sms ? 60205 : 60200,
                    message: asked == .sms ? "SMS is not supported by landline phone number \(to)" : "Channel \(channel) cannot reach \(to)")
            }
            channels = [asked] + channels.filter { $0 != asked }
        }
        guard !channels.isEmpty else { throw VerifyRefusal.invalid("To", "no channel of this service can reach \(to)") }
        return (destination, channels)
    }

    static func code(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    static func hash(_ code: String, of sid: VerificationSid) -> String {
        SecretHash.token(sid.rawValue + ":" + code)
    }
}
