import Foundation
import Logging
import SMPP
import SMPPMessages
import Store
import Voice

/// SMS for the REST API and RCML: checks and writes a message before it is accepted, hands it
/// to the outbox, turns the SMSC's delivery receipts into statuses, and runs a number's SMS
/// webhook for the messages mobiles send to it.
public final class SMSService: Sendable {
    public struct Configuration: Sendable {
        /// The shared sender every outbound message carries (FlexIO's 8640).
        public var sender: String
        /// Messages a second each account may send; the excess waits its turn.
        public var ratePerAccount: Double
        /// Messages handed to the SMSC at once (its window is the other bound).
        public var concurrency: Int

        public init(sender: String = "8640", ratePerAccount: Double = 5, concurrency: Int = 64) {
            self.sender = sender
            self.ratePerAccount = ratePerAccount
            self.concurrency = concurrency
        }
    }

    public static let maximumBodyLength = 1600

    private let configuration: Configuration
    private let messages: any MessageRepository
    private let numbers: any NumberRepository
    private let applications: any ApplicationRepository
    let fetcher: RCMLFetcher
    /// Nil without an SMSC: messages wait in their queue.
    private let outbox: SMSOutbox?
    private let reporter: MessageStatusReporter
    private let clock: any WallClock
    private let logger: Logger

    public init(
        configuration: Configuration, messages: any MessageRepository, numbers: any NumberRepository,
        applications: any ApplicationRepository, carrier: (any ShortMessageCarrier)?, fetcher: RCMLFetcher, clock: any WallClock,
        logger: Logger
    ) {
        self.configuration = configuration
        self.messages = messages
        self.numbers = numbers
        self.applications = applications
        self.fetcher = fetcher
        self.clock = clock
        self.logger = logger
        let reporter = MessageStatusReporter(fetcher: fetcher)
        self.reporter = reporter
        // A short code (8640) goes as such; a longer sender as an international number.
        let sender: SMPPAddress =
            configuration.sender.allSatisfy({ ("0"..."9").contains($0) }) && configuration.sender.count <= 8
            ? .shortCode(configuration.sender) : .international(configuration.sender)
        outbox = carrier.map { carrier in
            SMSOutbox(
                messages: messages, carrier: carrier, sender: sender, ratePerAccount: configuration.ratePerAccount,
                concurrency: configuration.concurrency, reporter: reporter, clock: clock, logger: logger)
        }
    }

    /// Loads what waits (and what a crash caught in flight), then sends until cancelled.
    public func run() async throws {
        guard let outbox else { return }
        try await outbox.recover()
        await outbox.run()
    }

    /// An outbound message, checked, written `queued` and queued; returned as written. It is
    /// `outbound-reply` when `isReply` (an answer to an incoming message).
    public func send(
        account: AccountSid, from: String, to: String, body: String, statusCallback: String?, statusCallbackMethod: WebhookMethod,
        call: CallSid? = nil, isReply: Bool = false
    ) async throws -> MessageRecord {
        let destination = try Self.mobile(to)
        guard !body.isEmpty else { throw SMSRefusal.emptyBody }
        guard body.count <= Self.maximumBodyLength else { throw SMSRefusal.bodyTooLong(body.count) }
        guard let owned = BelgianNumberPlan.normalise(from), let number = try await numbers.find(e164: owned),
            number.state == .reserved, number.accountSid == account
        else { throw SMSRefusal.notOwned(from) }
        return try await queue(
            account: account, to: destination, body: body, statusCallback: statusCallback, statusCallbackMethod: statusCallbackMethod, call: call,
            direction: isReply ? .outboundReply : call == nil ? .outboundAPI : .outboundCall)
    }

    /// A message Parley sends for an account from the shared sender alone (a one-time
    /// password): no number of the account is involved. `onFinal` hears its final status.
    public func sendForAccount(account: AccountSid, to: String, body: String, onFinal: @escaping @Sendable (MessageRecord) async -> Void)
        async throws -> MessageRecord
    {
        let destination = try Self.mobile(to)
        return try await queue(
            account: account, to: destination, body: body, statusCallback: nil, statusCallbackMethod: .post, call: nil, direction: .outboundAPI,
            onFinal: onFinal)
    }

    /// `to` as E.164 when it is a Belgian mobile number, the only destinations SMS go to.
    private static func mobile(_ to: String) throws(SMSRefusal) -> String {
        guard let destination = BelgianNumberPlan.normalise(to) else { throw .invalidTo(to) }
        guard BelgianNumberPlan.classify(destination)?.type == .mobile else { throw .notMobile(to) }
        return destination
    }

    private func queue(
        account: AccountSid, to destination: String, body: String, statusCallback: String?, statusCallbackMethod: WebhookMethod, call: CallSid?,
        direction: MessageDirection, onFinal: (@Sendable (MessageRecord) async -> Void)? = nil
    ) async throws -> MessageRecord {
        let text = SegmentedText(body, reference: 0)
        let now = clock.now()
        let message = MessageRecord(
            sid: .generate(), accountSid: account, direction: direction, from: configuration.sender,
            to: destination, body: body, status: .queued, segmentCount: text.segmentCount, encoding: text.encoding.rawValue,
            statusCallback: statusCallback, statusCallbackMethod: statusCallbackMethod, callSid: call, dateCreated: now, dateUpdated: now)
        try await messages.insert(message)
        if let onFinal { reporter.finals.watch(message.sid, onFinal) }
        await reporter.report(message)
        await outbox?.enqueue(message)
        return message
    }

    /// What the SMSC delivers: a receipt for a part sent, or a message from a mobile. The
    /// status returned answers the deliver_sm, after the record is written.
    public func deliver(_ short: ShortMessage) async -> SMPPStatus {
        if short.isDeliveryReceipt {
            guard let receipt = DeliveryReceipt(short) else {
                logger.warning("SMPP: a delivery receipt Parley cannot read was ignored")
                return .ok
            }
            return await record(receipt)
        }
        return await receive(short)
    }

    private func record(_ receipt: DeliveryReceipt) async -> SMPPStatus {
        let outcome: MessagePartOutcome
        switch receipt.outcome {
        case .pending: return .ok
        case .delivered: outcome = .delivered
        case .undelivered: outcome = .undelivered
        case .failed: outcome = .failed
        }
        await outbox?.settle(receipt.messageID)
        do {
            guard let (stored, parts) = try await messages.recordReceipt(smscMessageID: receipt.messageID, outcome: outcome, errorCode: receipt.errorCode)
            else {
                logger.notice("SMPP: a receipt for an unknown message id \(receipt.messageID) was ignored")
                return .ok
            }
            guard !stored.status.isFinal, let status = Self.status(of: parts) else { return .ok }
            var message = stored
            message.status = status
            if status != .delivered {
                message.errorCode = status == .undelivered ? 30003 : 30008
                message.errorMessage = "The SMSC reports \(receipt.state.rawValue) (error \(receipt.errorCode ?? "none"))"
            }
            message.dateUpdated = clock.now()
            try await messages.update(message)
            await reporter.report(message)
            return .ok
        } catch {
            logger.error("could not record a delivery receipt: \(error)")
            return .systemError
        }
    }

    /// A message's status from its parts' receipts: the first failure decides; delivered once
    /// every part is; nil while some part has no receipt yet.
    static func status(of parts: [MessagePartOutcome?]) -> MessageStatus? {
        if parts.contains(.failed) { return .failed }
        if parts.contains(.undelivered) { return .undelivered }
        return parts.allSatisfy { $0 == .delivered } ? .delivered : nil
    }

    /// A mobile's message to one of the accounts' numbers: written `received`, then the
    /// number's SMS webhook (its SMS application's URL, or its `SmsUrl`) is told, signed, and
    /// what it answers runs (replies), from a task of its own: the SMSC has its answer first.
    private func receive(_ short: ShortMessage) async -> SMPPStatus {
        let digits = short.destination.address
        guard let e164 = BelgianNumberPlan.normalise(digits),
            let number = try? await numbers.find(e164: e164), number.state == .reserved, let account = number.accountSid
        else {
            logger.notice("SMPP: a message to \(digits), which no account holds, was refused")
            return .invalidDestinationAddress
        }
        let source = short.source.address
        let from = short.source.ton == 1 && !source.hasPrefix("+") ? "+" + source : source
        let now = clock.now()
        @Sendable func message(body: String, segments: Int) -> MessageRecord {
            MessageRecord(
                sid: .generate(), accountSid: account, direction: .inbound, from: from, to: e164, body: body, status: .received,
                segmentCount: segments, encoding: short.dataCoding == 8 ? SMSEncoding.ucs2.rawValue : SMSEncoding.gsm7.rawValue,
                dateCreated: now, dateUpdated: now, dateSent: now)
        }
        var payload = short.payload[...]
        var concatenation: ConcatenationHeader?
        if short.esmClass & ShortMessage.userDataHeaderIndicator != 0 {
            guard let (header, data) = ConcatenationHeader.split(short.payload) else { return .invalidMessageLength }
            (concatenation, payload) = (header, data)
        }
        let received: MessageRecord
        do {
            if let concatenation, concatenation.total > 1 {
                // Kept until every part has come; the message is whole, and told, only then.
                let part = IncomingMessagePart(
                    source: from, destination: e164, reference: concatenation.reference, total: concatenation.total,
                    sequence: concatenation.sequence, dataCoding: short.dataCoding, payload: Array(payload), receivedAt: now)
                guard
                    let whole = try await messages.receivePart(
                        part,
                        assemble: { parts in
                            message(body: SMSEncoding.decode(parts.flatMap(\.payload), dataCoding: part.dataCoding), segments: parts.count)
                        })
                else { return .ok }
                received = whole
            } else {
                received = message(body: SMSEncoding.decode(payload, dataCoding: short.dataCoding), segments: 1)
                try await messages.insert(received)
            }
        } catch {
            logger.error("could not write an incoming message: \(error)")
            return .systemError
        }
        if let target = await webhook(of: number) {
            let parameters: [(String, String)] = [
                ("MessageSid", received.sid.rawValue), ("SmsSid", received.sid.rawValue), ("SmsMessageSid", received.sid.rawValue),
                ("AccountSid", account.rawValue), ("From", from), ("To", e164), ("Body", received.body), ("NumMedia", "0"),
                ("NumSegments", String(received.segmentCount)), ("SmsStatus", "received"), ("ApiVersion", "2010-04-01"),
            ]
            fetcher.callbacksInFlight.begin()
            Task.detached { [self] in
                defer { fetcher.callbacksInFlight.end() }
                await answer(target, parameters: parameters, account: account, number: e164, sender: from)
            }
        }
        return .ok
    }

    private func webhook(of number: PhoneNumber) async -> WebhookTarget? {
        if let sid = number.routing.smsApplicationSid, let account = number.accountSid,
            let application = try? await applications.find(sid, account: account), let target = WebhookTarget(application: application)
        {
            return target
        }
        return number.routing.smsUrl.map {
            WebhookTarget(
                url: $0, method: number.routing.smsMethod, fallbackURL: number.routing.smsFallbackUrl,
                fallbackMethod: number.routing.smsFallbackMethod)
        }
    }
}

extension SMSService: TextMessageSending {
    public func sendText(account: AccountSid, from: String, to: String, body: String, statusCallback: String?, call: CallSid) async throws
        -> MessageSid
    {
        do {
            return try await send(
                account: account, from: from, to: to, body: body, statusCallback: statusCallback, statusCallbackMethod: .post, call: call
            ).sid
        } catch let refusal as SMSRefusal {
            let field: TextMessageRefusal.Field = refusal.parameter == "To" ? .to : refusal.parameter == "From" ? .from : .body
            throw TextMessageRefusal(field: field, description: refusal.message)
        }
    }
}
