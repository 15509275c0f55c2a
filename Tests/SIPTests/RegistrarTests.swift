import Foundation
import Logging
import SIPMessages
import Testing

@testable import SIP
@testable import Store

/// A client repository with fixed contents, for registrar tests without a database.
struct FixedClients: ClientRepository {
    let clients: [Client]
    func insert(_ client: Client) async throws {}
    func update(_ client: Client) async throws {}
    func find(_ sid: ClientSid, account: AccountSid) async throws -> Client? { nil }
    func list(account: AccountSid, login: String?, page: PageRequest) async throws -> PageResult<Client> {
        PageResult(items: [], total: 0, request: page)
    }
    func delete(_ sid: ClientSid, account: AccountSid) async throws -> Bool { false }
    func withLogin(_ login: String) async throws -> [Client] { clients.filter { $0.login == login } }
}

/// Accounts that exist whatever their SID, active unless listed with another status (and
/// owned by the account listed as their owner).
struct FixedAccounts: AccountRepository {
    var statuses: [AccountSid: AccountStatus] = [:]
    var owners: [AccountSid: AccountSid] = [:]
    func insert(_ account: Account) async throws {}
    func update(_ account: Account) async throws {}
    func find(_ sid: AccountSid) async throws -> Account? {
        Account(
            sid: sid, ownerSid: owners[sid], friendlyName: "a", status: statuses[sid] ?? .active, role: .user, authTokenHash: "",
            dateCreated: Date(), dateUpdated: Date())
    }
    func family(of sid: AccountSid, filter: AccountFilter, page: PageRequest) async throws -> PageResult<Account> {
        PageResult(items: [], total: 0, request: page)
    }
    func all() async throws -> [Account] { [] }
}

@Suite("Registrar")
struct RegistrarTests {
    let clock = AdjustableClock()

    func registrar(_ clients: [Client], algorithms: [DigestAlgorithm] = [.md5], accounts: FixedAccounts = FixedAccounts()) -> Registrar {
        Registrar(
            authenticator: DigestAuthenticator(
                clients: FixedClients(clients: clients), accounts: accounts, realm: "parley", algorithms: algorithms, clock: clock,
                logger: Logger(label: "test")),
            clock: clock)
    }

    func client(_ login: String, _ password: String) -> Client {
        Client(
            sid: .generate(), accountSid: .generate(), login: login, friendlyName: login,
            credentials: DigestCredentials(login: login, realm: "parley", password: password), dateCreated: Date(), dateUpdated: Date())
    }

    func request(_ login: String, authorization: String? = nil, expires: Int = 600) -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK\(RandomHex.string(byteCount: 4))")
        headers.add("From", "<sip:\(login)@parley>;tag=1")
        headers.add("To", "<sip:\(login)@parley>")
        headers.add("Call-ID", "c1")
        headers.add("CSeq", "1 REGISTER")
        headers.add("Contact", "<sip:\(login)@127.0.0.1:5062>")
        headers.add("Expires", String(expires))
        if let authorization { headers.add("Authorization", authorization) }
        return SIPRequest(method: "REGISTER", uri: "sip:parley", headers: headers)
    }

    func nonce(_ response: SIPResponse) -> String {
        let header = response.headers["WWW-Authenticate"] ?? ""
        return String(header.split(separator: "nonce=\"")[1].prefix { $0 != "\"" })
    }

    func authorization(_ login: String, _ password: String, nonce: String, nc: Int = 1, algorithm: DigestAlgorithm = .md5) -> String {
        let ha1 = algorithm.hash("\(login):parley:\(password)")
        let ncText = String(format: "%08x", nc)
        let response = algorithm.response(ha1: ha1, nonce: nonce, nc: ncText, cnonce: "cn", method: "REGISTER", uri: "sip:parley")
        return "Digest username=\"\(login)\", realm=\"parley\", nonce=\"\(nonce)\", uri=\"sip:parley\", response=\"\(response)\", algorithm=\(algorithm.rawValue), qop=auth, nc=\(ncText), cnonce=\"cn\""
    }

    @Test("a REGISTER without credentials is challenged; the right digest binds the contact")
    func challengeThenBind() async {
        let alice = client("alice", "pw-123456")
        let registrar = registrar([alice])
        let challenge = await registrar.register(request("alice"), source: "udp:127.0.0.1:5062", sourceAddress: "127.0.0.1")
        #expect(challenge.status == 401)
        let ok = await registrar.register(
            request("alice", authorization: authorization("alice", "pw-123456", nonce: nonce(challenge))),
            source: "udp:127.0.0.1:5062", sourceAddress: "127.0.0.1")
        #expect(ok.status == 200)
        #expect(await registrar.registrations(of: alice.sid).map(\.contact) == ["sip:alice@127.0.0.1:5062"])
    }

    @Test("a Client of a suspended or closed account, or of a suspended owner's sub-account, is refused with the right password")
    func inactiveAccounts() async {
        let alice = client("alice", "pw-123456")
        let owner = AccountSid.generate()
        for accounts in [
            FixedAccounts(statuses: [alice.accountSid: .suspended]), FixedAccounts(statuses: [alice.accountSid: .closed]),
            FixedAccounts(statuses: [owner: .suspended], owners: [alice.accountSid: owner]),
        ] {
            let registrar = registrar([alice], accounts: accounts)
            let challenge = await registrar.register(request("alice"), source: "udp:127.0.0.1:5062", sourceAddress: "127.0.0.1")
            let refused = await registrar.register(
                request("alice", authorization: authorization("alice", "pw-123456", nonce: nonce(challenge))),
                source: "udp:127.0.0.1:5062", sourceAddress: "127.0.0.1")
            #expect(refused.status == 403)
            #expect(await registrar.registrations(of: alice.sid).isEmpty)
        }
    }

    @Test("a binding lapses when its expiry passes")
    func expiry() async {
        let alice = client("alice", "pw-123456")
        let registrar = registrar([alice])
        let challenge = await registrar.register(request("alice"), source: "s", sourceAddress: "a")
        _ = await registrar.register(request("alice", authorization: authorization("alice", "pw-123456", nonce: nonce(challenge)), expires: 60), source: "s", sourceAddress: "a")
        #expect(await registrar.registrations(of: alice.sid).count == 1)
        clock.advance(by: 61)
        #expect(await registrar.registrations(of: alice.sid).isEmpty)
    }

    @Test("an expired nonce with good credentials is answered stale=true")
    func stale() async {
        let alice = client("alice", "pw-123456")
        let registrar = registrar([alice])
        let challenge = await registrar.register(request("alice"), source: "s", sourceAddress: "a")
        clock.advance(by: 301)
        let answer = await registrar.register(request("alice", authorization: authorization("alice", "pw-123456", nonce: nonce(challenge))), source: "s", sourceAddress: "a")
        #expect(answer.status == 401)
        #expect(answer.headers["WWW-Authenticate"]?.contains("stale=true") == true)
        let wrong = await registrar.register(request("alice", authorization: authorization("alice", "other-pass1", nonce: nonce(challenge))), source: "s", sourceAddress: "a")
        #expect(wrong.headers["WWW-Authenticate"]?.contains("stale=true") == false)
    }

    @Test("two accounts may share a login: the password tells their Clients apart")
    func sharedLogin() async {
        let first = client("desk", "first-pass1")
        let second = client("desk", "second-pass2")
        let registrar = registrar([first, second])
        let challenge = await registrar.register(request("desk"), source: "s", sourceAddress: "a")
        _ = await registrar.register(request("desk", authorization: authorization("desk", "second-pass2", nonce: nonce(challenge))), source: "s", sourceAddress: "a")
        #expect(await registrar.registrations(of: first.sid).isEmpty)
        #expect(await registrar.registrations(of: second.sid).count == 1)
    }

    @Test("every challenge carries its own nonce, even within one millisecond")
    func distinctNonces() async {
        let registrar = registrar([])
        var seen = Set<String>()
        for _ in 0..<200 { seen.insert(nonce(await registrar.register(request("x"), source: "s", sourceAddress: "a"))) }
        #expect(seen.count == 200)
    }

    @Test("forged nonces are challenged again")
    func forged() async {
        let alice = client("alice", "pw-123456")
        let registrar = registrar([alice])
        let answer = await registrar.register(request("alice", authorization: authorization("alice", "pw-123456", nonce: "1a2b.0011.deadbeef")), source: "s", sourceAddress: "a")
        #expect(answer.status == 401)
        #expect(await registrar.registrations(of: alice.sid).isEmpty)
    }
}
