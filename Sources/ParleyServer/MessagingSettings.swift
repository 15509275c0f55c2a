import Addressing
import SMTP
import Store

/// The messaging side of `parley serve`: the SMSC to bind to and the mail relay (without them,
/// accepted messages wait in their queue until one is configured), the shared SMS sender, each
/// account's sending rate, the address e-mail leaves from, and Smart 2FA's caller ID, code
/// lifetime and rate.
public struct MessagingSettings: Sendable, Equatable {
    public struct SMSC: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var systemID: String
        public var password: String
        public var systemType: String
        /// submit_sm PDUs awaiting their response at once.
        public var window: Int
    }

    /// The mail relay e-mail goes through.
    public struct Relay: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
    }

    public var smsc: SMSC?
    public var sender: String
    public var ratePerAccount: Double
    public var relay: Relay?
    public var emailFrom: String
    /// The operator's number verification calls come from (E.164); nil: no call channel.
    public var verifyCallerID: String?
    /// How long a one-time password is valid.
    public var verifyCodeLifetimeMinutes: Int
    /// Verifications a minute one account, and one source address, may ask for.
    public var verifyRatePerMinute: Int

    /// The values given on the command line; nil where a flag was not given.
    public struct Flags: Sendable {
        public var smpp, systemID, password, systemType, window, sender, rate, smtp, smtpUsername, smtpPassword, emailFrom: String?
        public var verifyCallerID, verifyCodeLifetime, verifyRate: String?

        public init(
            smpp: String? = nil, systemID: String? = nil, password: String? = nil, systemType: String? = nil, window: String? = nil,
            sender: String? = nil, rate: String? = nil, smtp: String? = nil, smtpUsername: String? = nil, smtpPassword: String? = nil,
            emailFrom: String? = nil, verifyCallerID: String? = nil, verifyCodeLifetime: String? = nil, verifyRate: String? = nil
        ) {
            self.verifyCallerID = verifyCallerID
            self.verifyCodeLifetime = verifyCodeLifetime
            self.verifyRate = verifyRate
            self.smtp = smtp
            self.smtpUsername = smtpUsername
            self.smtpPassword = smtpPassword
            self.emailFrom = emailFrom
            self.smpp = smpp
            self.systemID = systemID
            self.password = password
            self.systemType = systemType
            self.window = window
            self.sender = sender
            self.rate = rate
        }
    }

    /// Merges `flags` over `pick`'s environment variables over the defaults, checking each value.
    init(flags: Flags, pick: (String?, String) -> String?) throws {
        sender = pick(flags.sender, "PARLEY_SMS_SENDER") ?? "8640"
        guard !sender.isEmpty, sender.count <= 15, sender.drop(while: { $0 == "+" }).allSatisfy({ ("0"..."9").contains($0) }) else {
            throw ConfigurationError.invalid(option: "--sms-sender", reason: "'\(sender)' is not a short code or an E.164 number")
        }
        let rate = pick(flags.rate, "PARLEY_SMS_RATE") ?? "5"
        guard let perSecond = Double(rate), perSecond > 0, perSecond <= 100_000 else {
            throw ConfigurationError.invalid(option: "--sms-rate", reason: "'\(rate)' is not a number of messages a second above 0")
        }
        ratePerAccount = perSecond
        emailFrom = pick(flags.emailFrom, "PARLEY_EMAIL_FROM") ?? "parley@localhost.localdomain"
        guard MailMessage.isValidAddress(emailFrom) else {
            throw ConfigurationError.invalid(option: "--email-from", reason: "'\(emailFrom)' is not an e-mail address")
        }
        if let text = pick(flags.verifyCallerID, "PARLEY_VERIFY_CALLER_ID") {
            guard let number = BelgianNumberPlan.normalise(text) else {
                throw ConfigurationError.invalid(option: "--verify-caller-id", reason: "'\(text)' is not a Belgian number")
            }
            verifyCallerID = number
        } else {
            verifyCallerID = nil
        }
        let lifetime = pick(flags.verifyCodeLifetime, "PARLEY_VERIFY_CODE_LIFETIME") ?? "10"
        guard let minutes = Int(lifetime), (1...1440).contains(minutes) else {
            throw ConfigurationError.invalid(option: "--verify-code-lifetime", reason: "'\(lifetime)' is not 1 to 1440 minutes")
        }
        verifyCodeLifetimeMinutes = minutes
        let verifyRate = pick(flags.verifyRate, "PARLEY_VERIFY_RATE") ?? "600"
        guard let perMinute = Int(verifyRate), (1...1_000_000).contains(perMinute) else {
            throw ConfigurationError.invalid(option: "--verify-rate", reason: "'\(verifyRate)' is not a number of verifications a minute above 0")
        }
        verifyRatePerMinute = perMinute
        if let address = pick(flags.smtp, "PARLEY_SMTP") {
            guard let hostPort = HostPort(address), let port = hostPort.port else {
                throw ConfigurationError.invalid(option: "--smtp", reason: "'\(address)' is not HOST:PORT")
            }
            let username = pick(flags.smtpUsername, "PARLEY_SMTP_USERNAME")
            let password = pick(flags.smtpPassword, "PARLEY_SMTP_PASSWORD")
            guard (username == nil) == (password == nil) else {
                throw ConfigurationError.invalid(option: "--smtp-username", reason: "a user name and a password go together")
            }
            relay = Relay(host: hostPort.host, port: port, username: username, password: password)
        } else {
            relay = nil
        }
        guard let address = pick(flags.smpp, "PARLEY_SMPP") else {
            smsc = nil
            return
        }
        guard let hostPort = HostPort(address), let port = hostPort.port else {
            throw ConfigurationError.invalid(option: "--smpp", reason: "'\(address)' is not HOST:PORT")
        }
        guard let systemID = pick(flags.systemID, "PARLEY_SMPP_SYSTEM_ID"), (1...15).contains(systemID.utf8.count) else {
            throw ConfigurationError.invalid(option: "--smpp-system-id", reason: "an SMSC needs a system_id of 1 to 15 characters")
        }
        let password = pick(flags.password, "PARLEY_SMPP_PASSWORD") ?? ""
        guard password.utf8.count <= 8 else {
            throw ConfigurationError.invalid(option: "--smpp-password", reason: "SMPP passwords have at most 8 characters")
        }
        let systemType = pick(flags.systemType, "PARLEY_SMPP_SYSTEM_TYPE") ?? ""
        guard systemType.utf8.count <= 12 else {
            throw ConfigurationError.invalid(option: "--smpp-system-type", reason: "'\(systemType)' is longer than 12 characters")
        }
        let windowText = pick(flags.window, "PARLEY_SMPP_WINDOW") ?? "64"
        guard let window = Int(windowText), (1...1000).contains(window) else {
            throw ConfigurationError.invalid(option: "--smpp-window", reason: "'\(windowText)' is not 1 to 1000")
        }
        smsc = SMSC(host: hostPort.host, port: port, systemID: systemID, password: password, systemType: systemType, window: window)
    }
}
