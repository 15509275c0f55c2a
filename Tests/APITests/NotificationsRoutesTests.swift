import Addressing
import Foundation
import Hummingbird
import Messaging
import HummingbirdTesting
import Logging
import SIP
import Media
import Testing
import Voice

@testable import API
@testable import Store

/// A store in a temporary directory and the API services over it, for in-process route tests.
final class APIFixture {
    let directory: URL
    let store: SQLiteStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func services(health: ListenerHealth) async throws -> APIServices {
        let registrar = Registrar(
            authenticator: DigestAuthenticator(clients: store.clients, accounts: store.accounts, realm: "parley", logger: Logger(label: "test")))
        let live = LiveCalls()
        let web = GuardedHTTPClient(policy: EgressPolicy(allowed: [], ownPorts: []))
        let fetcher = RCMLFetcher(
            http: web, accounts: store.accounts, notifications: store.notifications, sealer: TokenSealer(), clock: SystemClock(),
            logger: Logger(label: "test"))
        let recordings = RecordingLibrary(
            directory: directory.appendingPathComponent("recordings").path, recordings: store.recordings,
            publicURL: "http://127.0.0.1", clock: SystemClock(), logger: Logger(label: "test"))
        let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 20000...20100, threads: 1)
        let conferences = Conferences(
            media: engine, audio: AudioCache(http: web), fetcher: fetcher, records: store.conferences, library: recordings, clock: SystemClock(),
            logger: Logger(label: "test"))
        let queues = Queues(records: store.queues, media: engine, clock: SystemClock())
        let outbound = OutboundCalls(
            endpoint: SIPEndpoint(registrar: registrar, logger: Logger(label: "test")), registrar: registrar,
            numbers: store.numbers, clients: store.clients, calls: store.calls, trunks: Trunks(gateways: []),
            policy: DestinationPolicy(trunks: Trunks(gateways: []), egress: EgressPolicy(allowed: [], ownPorts: [5060])), clientCallerID: nil,
            addresses: AdvertisedAddresses(bindHost: "127.0.0.1"),
            media: engine,
            runtime: RCMLRuntime(fetcher: fetcher, audio: AudioCache(http: web), speech: nil, recognizer: nil, recordings: recordings, conferences: conferences,
                queues: queues, admission: CallAdmission(defaults: .init(), accounts: store.accounts)), live: live,
            clock: SystemClock(), logger: Logger(label: "test"))
        let sms = SMSService(
            configuration: .init(), messages: store.messages, numbers: store.numbers, applications: store.applications, carrier: nil,
            fetcher: fetcher, clock: SystemClock(), logger: Logger(label: "test"))
        let email = EmailService(
            configuration: .init(sender: "parley@example.com"), emails: store.emails, relay: nil, clock: SystemClock(), logger: Logger(label: "test"))
        return APIServices(
            accounts: store.accounts, applications: store.applications, clients: store.clients,
            notifications: store.notifications, numbers: store.numbers, calls: store.calls,
            credentials: store.credentials, messages: store.messages,
            sms: sms,
            emails: store.emails,
            email: email,
            verify: VerifyService(
                configuration: .init(), verifications: store.verifications, sms: sms, email: email, calls: outbound, fetcher: fetcher,
                clock: SystemClock(), logger: Logger(label: "test")),
            users: UserDirectory(users: store.consoleUsers, sessions: store.consoleSessions), publicURL: "http://127.0.0.1:8080",
            clock: SystemClock(), registrar: registrar,
            outboundCalls: outbound, liveCalls: live, recordings: recordings, conferences: conferences, queues: queues, tokenSealer: TokenSealer(), sipRealm: "parley", health: health)
    }
}

/// Notifications are written by the voice layer; here they are inserted through the store and
/// read through the routes, in process.
@Suite("Notifications routes")
struct NotificationsRoutesTests {
    @Test("entries are listed and fetched in Twilio's shape, and only by their own account")
    func listAndFetch() async throws {
        let fixture = try APIFixture()
        let store = fixture.store
        let now = Date()
        let owner = Account(sid: .generate(), ownerSid: nil, friendlyName: "o", status: .active, role: .user, authTokenHash: SecretHash.token("t1"), dateCreated: now, dateUpdated: now)
        let other = Account(sid: .generate(), ownerSid: nil, friendlyName: "x", status: .active, role: .user, authTokenHash: SecretHash.token("t2"), dateCreated: now, dateUpdated: now)
        try await store.accounts.insert(owner)
        try await store.accounts.insert(other)
        let entry = NotificationEntry(
            sid: .generate(), accountSid: owner.sid, callSid: .generate(), level: .warning, errorCode: 11200,
            moreInfo: "https://www.twilio.com/docs/errors/11200", messageText: "HTTP retrieval failure",
            messageDate: now, requestUrl: "https://e.test/rcml", requestMethod: .post, dateCreated: now)
        try await store.notifications.insert(entry)
        let health = ListenerHealth(expected: [])
        let app = Application(responder: ParleyAPI.responder(services: try await fixture.services(health: health)))
        @Sendable func auth(_ sid: AccountSid, _ token: String) -> HTTPFields {
            [.authorization: "Basic " + Data("\(sid):\(token)".utf8).base64EncodedString()]
        }
        try await app.test(.router) { client in
            let base = "/2010-04-01/Accounts/\(owner.sid)/Notifications"
            try await client.execute(uri: base + ".json?Log=1", method: .get, headers: auth(owner.sid, "t1")) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let items = body?["notifications"] as? [[String: Any]]
                #expect(items?.count == 1)
                #expect(items?.first?["error_code"] as? String == "11200")
                #expect(items?.first?["log"] as? String == "1")
                #expect(items?.first?["request_method"] as? String == "POST")
            }
            try await client.execute(uri: base + ".json?Log=0", method: .get, headers: auth(owner.sid, "t1")) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((body?["notifications"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: base + "/\(entry.sid).json", method: .get, headers: auth(owner.sid, "t1")) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("HTTP retrieval failure"))
            }
            try await client.execute(uri: base + "/\(entry.sid).json", method: .get, headers: auth(other.sid, "t2")) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/2010-04-01/Accounts/\(other.sid)/Notifications/\(entry.sid).json", method: .get, headers: auth(other.sid, "t2")) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("health answers 503 until every listener is up, then 200")
    func health() async throws {
        let fixture = try APIFixture()
        let health = ListenerHealth(expected: ["http", "sip"])
        let app = Application(responder: ParleyAPI.responder(services: try await fixture.services(health: health)))
        try await app.test(.router) { client in
            await health.markReady("http", address: "127.0.0.1:1")
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .serviceUnavailable) }
            await health.markReady("sip", address: "127.0.0.1:2")
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"sip\":\"127.0.0.1:2\""))
            }
        }
    }
}
