import Foundation
import Logging
import SMPP
import SMPPMessages
import Store

/// Sends the queued messages through the carrier: every message is in the database before it
/// is here, each account's at its own sending rate (the excess waits, round robin between
/// accounts), at most `concurrency` at once. A message is marked `sending` (and its attempt
/// counted) before its first part goes, and `sent` with its parts' SMSC ids once all went; a
/// link lost meanwhile puts it back in the queue, so it goes again at most once per loss.
actor SMSOutbox {
    private let messages: any MessageRepository
    private let carrier: any ShortMessageCarrier
    private let sender: SMPPAddress
    private let ratePerAccount: Double
    private let concurrency: Int
    private let reporter: MessageStatusReporter
    private let clock: any WallClock
    private let logger: Logger
    private let monotonic = ContinuousClock()

    private var queues: [AccountSid: [MessageRecord]] = [:]
    /// Accounts with messages waiting, in turn.
    private var turn: [AccountSid] = []
    private var rates: [AccountSid: SendingRate] = [:]
    private var inFlight = 0
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var nextReference: UInt8 = .random(in: 0...255)
    /// Part ids the SMSC gave whose message is not yet written as sent: a receipt that names
    /// one waits for that write.
    private var unrecordedParts: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// submit_sm PDUs handed to the carrier and not answered yet.
    private var submitting = 0
    private var progressWaiters: [CheckedContinuation<Void, Never>] = []

    init(
        messages: any MessageRepository, carrier: any ShortMessageCarrier, sender: SMPPAddress, ratePerAccount: Double,
        concurrency: Int, reporter: MessageStatusReporter, clock: any WallClock, logger: Logger
    ) {
        self.messages = messages
        self.carrier = carrier
        self.sender = sender
        self.ratePerAccount = ratePerAccount
        self.concurrency = concurrency
        self.reporter = reporter
        self.clock = clock
        self.logger = logger
    }

    /// Puts back what a crash caught in flight and loads the queue.
    func recover() async throws {
        let requeued = try await messages.requeueInFlight()
        if requeued > 0 { logger.warning("\(requeued) message(s) were in flight at the last stop: they go again (their attempts say so)") }
        for message in try await messages.queued() { append(message) }
    }

    /// A message just written as queued.
    func enqueue(_ message: MessageRecord) {
        append(message)
        wake()
    }

    /// Waits until the part `smscMessageID` names, if it is one of the parts being sent now, is
    /// written: the SMSC may send a part's receipt right after accepting it, before this
    /// outbox has heard the answer. Returns at once when no submit_sm is outstanding, and
    /// after 10 s at most.
    func settle(_ smscMessageID: String) async {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if unrecordedParts[smscMessageID] != nil {
                await withCheckedContinuation { unrecordedParts[smscMessageID, default: []].append($0) }
                return
            }
            guard submitting > 0 else { return }
            await withCheckedContinuation { progressWaiters.append($0) }
        }
    }

    /// A submit_sm answered or given up: whoever waits in `settle` looks again.
    private func progressed() {
        let waiters = progressWaiters
        progressWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Sends until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                guard inFlight < concurrency, let message = next() else {
                    await sleep()
                    continue
                }
                inFlight += 1
                group.addTask {
                    await self.send(message)
                    await self.finished()
                }
            }
        }
    }

    private func append(_ message: MessageRecord) {
        if queues[message.accountSid, default: []].isEmpty, !turn.contains(message.accountSid) { turn.append(message.accountSid) }
        queues[message.accountSid, default: []].append(message)
    }

    /// The next message of the first account in turn whose rate allows one.
    private func next() -> MessageRecord? {
        let now = monotonic.now
        for (index, account) in turn.enumerated() {
            var rate = rates[account] ?? SendingRate(perSecond: ratePerAccount, now: now)
            guard rate.take(now: now) else { continue }
            rates[account] = rate
            let message = queues[account]!.removeFirst()
            turn.remove(at: index)
            if queues[account]!.isEmpty {
                queues[account] = nil
            } else {
                turn.append(account)
            }
            return message
        }
        return nil
    }

    /// Until a message arrives, a send ends, or the first account's rate allows one more.
    private func sleep() async {
        let now = monotonic.now
        let due = inFlight < concurrency
            ? turn.compactMap { rates[$0]?.nextToken(now: now) }.min()
            : nil
        let timer = due.map { deadline in
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                await self?.wake()
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { wakeUp = $0 }
        } onCancel: {
            Task { await self.wake() }
        }
        timer?.cancel()
    }

    private func wake() {
        wakeUp?.resume()
        wakeUp = nil
    }

    private func finished() {
        inFlight -= 1
        wake()
    }

    private func send(_ queued: MessageRecord) async {
        // A message stays `queued` while the SMSC is unreachable: `sending` means handed over.
        guard (try? await carrier.waitUntilBound()) != nil else { return }
        var message = queued
        message.status = .sending
        message.attempts += 1
        message.dateUpdated = clock.now()
        guard await save(message) else { return }
        await reporter.report(message)
        let text = SegmentedText(message.body, reference: takeReference())
        var ids: [String] = []
        for part in text.parts {
            let short = ShortMessage(
                source: sender, destination: .international(message.to), esmClass: text.hasHeader ? ShortMessage.userDataHeaderIndicator : 0,
                registeredDelivery: 1, dataCoding: text.encoding.dataCoding, payload: part)
            submitting += 1
            defer {
                submitting -= 1
                progressed()
            }
            do {
                let id = try await carrier.submit(short)
                unrecordedParts[id] = unrecordedParts[id] ?? []
                ids.append(id)
            } catch .outcomeUnknown {
                logger.warning("SMPP link lost while sending \(message.sid): it goes again", metadata: ["message": "\(message.sid)"])
                release(ids)
                message.status = .queued
                message.dateUpdated = clock.now()
                if await save(message) { enqueue(message) }
                return
            } catch .shutDown {
                release(ids)
                return
            } catch {
                release(ids)
                message.status = .failed
                message.errorCode = 30008
                message.errorMessage = "The SMSC refused the message: \(error)"
                message.dateUpdated = clock.now()
                if await save(message) { await reporter.report(message) }
                return
            }
        }
        message.status = .sent
        message.dateSent = clock.now()
        message.dateUpdated = message.dateSent!
        let saved: Bool
        do {
            try await messages.recordSent(message, parts: ids)
            saved = true
        } catch {
            logger.error("could not write \(message.sid) as sent: \(error)")
            saved = false
        }
        release(ids)
        if saved { await reporter.report(message) }
    }

    private func release(_ ids: [String]) {
        for id in ids {
            for waiter in unrecordedParts.removeValue(forKey: id) ?? [] { waiter.resume() }
        }
    }

    private func save(_ message: MessageRecord) async -> Bool {
        do {
            try await messages.update(message)
            return true
        } catch {
            logger.error("could not write \(message.sid): \(error)")
            return false
        }
    }

    private func takeReference() -> UInt8 {
        nextReference &+= 1
        return nextReference
    }
}
