import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Store
import Tracing

/// Requests a call's RCML from the customer's web server (restcomm-compat §2.1): POST form or
/// GET query, signed with `X-Twilio-Signature`, through the `GuardedHTTPClient` (public
/// addresses only), 15 s for the whole exchange; on a refused URL, a connection error, an HTTP
/// error, a non-XML answer or a document that is not RCML it writes a Notification and tries
/// the fallback URL (with `ErrorCode` and `ErrorUrl`). Returns the document and the URL it
/// came from (relative URLs in it resolve against that), or nil when nothing usable came back.
public final class RCMLFetcher: Sendable {
    private let http: GuardedHTTPClient
    private let accounts: any AccountRepository
    private let notifications: any NotificationRepository
    private let sealer: TokenSealer
    private let clock: any WallClock
    private let logger: Logger
    public static let timeout: Duration = .seconds(15)
    static let maximumBody = 1 << 20
    /// Status callbacks queued or being sent: a draining server waits for them before exiting.
    public let callbacksInFlight = PendingWork()
    /// The documents Parley serves its own calls (`parley:` URLs).
    public let internalDocuments = InternalDocuments()

    public init(
        http: GuardedHTTPClient, accounts: any AccountRepository, notifications: any NotificationRepository,
        sealer: TokenSealer, clock: any WallClock, logger: Logger
    ) {
        self.http = http
        self.accounts = accounts
        self.notifications = notifications
        self.sealer = sealer
        self.clock = clock
        self.logger = logger
    }

    public struct Fetched: Sendable {
        public let url: String
        public let document: RCMLDocument
    }

    /// A failed request: Twilio's error code, what to say about it, and what came back.
    struct Failure: Error {
        var code: Int
        let message: String
        var status: Int?
        var body: String?
    }

    /// The document at `target` (or its fallback) for a call.
    public func fetch(_ target: WebhookTarget, parameters: [(String, String)], account: AccountSid, call: CallSid) async -> Fetched? {
        await fetch(target, parameters: parameters, account: account, call: call, emptyIsNothing: false)
    }

    /// What a messaging webhook answers to an incoming message: a document, or an empty
    /// `<Response/>` for an empty body (no reply, as Twilio takes it).
    public func fetchMessagingDocument(_ target: WebhookTarget, parameters: [(String, String)], account: AccountSid) async -> Fetched? {
        await fetch(target, parameters: parameters, account: account, call: nil, emptyIsNothing: true)
    }

    private func fetch(_ target: WebhookTarget, parameters: [(String, String)], account: AccountSid, call: CallSid?, emptyIsNothing: Bool) async
        -> Fetched?
    {
        if let document = target.document { return Fetched(url: target.url, document: document) }
        if target.url.hasPrefix(InternalDocuments.scheme) {
            guard let document = await internalDocuments.document(target.url, parameters: parameters, account: account) else {
                await notify(code: 11200, message: "No document at \(target.url)", url: target.url, account: account, call: call)
                return nil
            }
            return Fetched(url: target.url, document: document)
        }
        let token = try? await accounts.find(account)?.authTokenSealed.flatMap(sealer.open)
        switch await request(target.url, method: target.method, parameters: parameters, token: token, call: call, emptyIsNothing: emptyIsNothing) {
        case .success(let document):
            return Fetched(url: target.url, document: document)
        case .failure(let failure):
            await record(failure, url: target.url, method: target.method, parameters: parameters, account: account, call: call)
            guard let fallback = target.fallbackURL else { return nil }
            let extended = parameters + [("ErrorCode", String(failure.code)), ("ErrorUrl", target.url)]
            switch await request(fallback, method: target.fallbackMethod, parameters: extended, token: token, call: call, emptyIsNothing: emptyIsNothing) {
            case .success(let document):
                return Fetched(url: fallback, document: document)
            case .failure(let failure):
                await record(failure, url: fallback, method: target.fallbackMethod, parameters: extended, account: account, call: call)
                return nil
            }
        }
    }

    /// `callback` from a task of its own, counted in `callbacksInFlight` from now.
    func callbackInBackground(_ url: String, method: WebhookMethod, parameters: [(String, String)], account: AccountSid, call: CallSid?) {
        callbacksInFlight.begin()
        Task.detached { [self] in
            await callback(url, method: method, parameters: parameters, account: account, call: call)
            callbacksInFlight.end()
        }
    }

    /// Tells the application about the call without expecting RCML back (status callbacks);
    /// a failure is a warning Notification (15003) and nothing more.
    public func callback(_ url: String, method: WebhookMethod, parameters: [(String, String)], account: AccountSid, call: CallSid?) async {
        callbacksInFlight.begin()
        defer { callbacksInFlight.end() }
        let token = try? await accounts.find(account)?.authTokenSealed.flatMap(sealer.open)
        let started = ContinuousClock.now
        let result = await send(url, method: method, parameters: parameters, token: token, kind: "callback", call: call)
        CallMetrics.webhook("callback", took: .now - started, failedWith: result.failureCode)
        if case .failure(var failure) = result {
            failure.code = 15003
            await record(failure, url: url, method: method, parameters: parameters, account: account, call: call, level: .warning)
        }
    }

    private func request(
        _ url: String, method: WebhookMethod, parameters: [(String, String)], token: String?, call: CallSid?, emptyIsNothing: Bool
    ) async -> Result<RCMLDocument, Failure> {
        let started = ContinuousClock.now
        let result = await document(url, method: method, parameters: parameters, token: token, call: call, emptyIsNothing: emptyIsNothing)
        CallMetrics.webhook("rcml", took: .now - started, failedWith: result.failureCode)
        return result
    }

    private func document(
        _ url: String, method: WebhookMethod, parameters: [(String, String)], token: String?, call: CallSid?, emptyIsNothing: Bool
    ) async -> Result<RCMLDocument, Failure> {
        let response: Response
        switch await send(url, method: method, parameters: parameters, token: token, kind: "rcml", call: call) {
        case .success(let success): response = success
        case .failure(let failure): return .failure(failure)
        }
        if emptyIsNothing, response.body.allSatisfy(\.isWhitespace) { return .success(RCMLDocument.empty) }
        let contentType = response.contentType.lowercased()
        guard contentType.isEmpty || contentType.contains("xml") || contentType.contains("text/plain") else {
            return .failure(
                Failure(code: 12300, message: "Invalid Content-Type: \(response.contentType)", status: response.status, body: response.body))
        }
        do {
            return .success(try RCMLDocument(parsing: response.body))
        } catch {
            return .failure(Failure(code: 12100, message: "Document parse failure: \(error)", status: response.status, body: response.body))
        }
    }

    private struct Response {
        let status: Int
        let contentType: String
        let body: String
    }

    /// One signed request, a client span of its own (`webhook rcml` or `webhook callback`,
    /// with the CallSid, the URL without credentials or query, and the status); a connection
    /// error or a non-2xx status is a failure.
    private func send(_ url: String, method: WebhookMethod, parameters: [(String, String)], token: String?, kind: String, call: CallSid?) async
        -> Result<Response, Failure>
    {
        await withSpan("webhook \(kind)", ofKind: .client) { span in
            span.attributes["url.full"] = RedactedURL(url).description
            span.attributes["http.request.method"] = method == .get ? "GET" : "POST"
            if let call { span.attributes["parley.call_sid"] = call.rawValue }
            let result = await exchange(url, method: method, parameters: parameters, token: token)
            switch result {
            case .success(let response):
                span.attributes["http.response.status_code"] = response.status
            case .failure(let failure):
                if let status = failure.status { span.attributes["http.response.status_code"] = status }
                span.attributes["parley.error_code"] = failure.code
                span.setStatus(SpanStatus(code: .error, message: failure.message))
            }
            return result
        }
    }

    private func exchange(_ url: String, method: WebhookMethod, parameters: [(String, String)], token: String?) async
        -> Result<Response, Failure>
    {
        let form = parameters.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let target = method == .get ? url + (url.contains("?") ? "&" : "?") + form : url
        var request = HTTPClientRequest(url: target)
        request.method = method == .get ? .GET : .POST
        request.headers.add(name: "User-Agent", value: "Parley/1.0")
        request.headers.add(name: "Accept", value: "application/xml, text/xml")
        if method == .post {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        if let token {
            let signature = RequestSignature.sign(url: target, parameters: method == .post ? parameters : [], token: token)
            request.headers.add(name: "X-Twilio-Signature", value: signature)
        }
        let response: Response
        do {
            let answer = try await http.execute(request, timeout: Self.timeout, maximumBody: Self.maximumBody)
            response = Response(
                status: answer.status, contentType: answer.headers.first(name: "Content-Type") ?? "", body: String(buffer: answer.body))
        } catch {
            switch error {
            case .refused: return .failure(Failure(code: 11200, message: "HTTP retrieval \(error)"))
            case .tooLarge: return .failure(Failure(code: 11200, message: "HTTP retrieval failure: \(error)"))
            case .connection, .timedOut: return .failure(Failure(code: 11205, message: "HTTP connection failure: \(error)"))
            }
        }
        guard (200..<300).contains(response.status) else {
            return .failure(
                Failure(code: 11200, message: "HTTP retrieval failure: status \(response.status)", status: response.status, body: response.body))
        }
        return .success(response)
    }

    /// A Notification for a problem met while running a document (a verb Parley cannot run,
    /// audio it cannot play).
    public func notify(code: Int, message: String, url: String, account: AccountSid, call: CallSid?, level: NotificationLevel = .error) async {
        await record(Failure(code: code, message: message), url: url, method: nil, parameters: [], account: account, call: call, level: level)
    }

    private func record(
        _ failure: Failure, url: String, method: WebhookMethod?, parameters: [(String, String)], account: AccountSid, call: CallSid?,
        level: NotificationLevel = .error
    ) async {
        logger.notice("webhook failed", metadata: ["call": "\(call.map(\.rawValue) ?? "-")", "url": "\(RedactedURL(url))", "code": "\(failure.code)"])
        let now = clock.now()
        let entry = NotificationEntry(
            sid: .generate(), accountSid: account, callSid: call, level: level, errorCode: failure.code,
            moreInfo: "https://www.twilio.com/docs/errors/\(failure.code)", messageText: failure.message, messageDate: now,
            requestUrl: url, requestMethod: method,
            requestVariables: parameters.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&"),
            responseHeaders: failure.status.map { "status=\($0)" }, responseBody: failure.body.map { String($0.prefix(1000)) },
            dateCreated: now)
        do {
            try await notifications.insert(entry)
        } catch {
            logger.error("could not write a notification", metadata: ["call": "\(call.map(\.rawValue) ?? "-")", "error": "\(error)"])
        }
    }

    private static let formAllowed: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: formAllowed) ?? text
    }
}

extension Result where Failure == RCMLFetcher.Failure {
    /// Twilio's error code of a failure; nil for a success.
    var failureCode: Int? {
        if case .failure(let failure) = self { failure.code } else { nil }
    }
}
