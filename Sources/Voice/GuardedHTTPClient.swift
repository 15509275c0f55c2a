import Addressing
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Every HTTP request Parley makes to a URL a tenant gave (webhooks, status callbacks, `<Play>`
/// audio), so none reaches the operator's network: http and https only; the host resolved once
/// and its address checked by the `EgressPolicy`; the connection made to that very address (a
/// second lookup cannot answer otherwise); each redirect checked the same way; one deadline
/// for the whole exchange, body included, and the body bounded.
public final class GuardedHTTPClient: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer
        /// The URL that answered, after redirects.
        public let url: String
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The URL's scheme, or the address its host resolved to, is not allowed: nothing was sent.
        case refused(String)
        /// No answer: no route, refused, reset, a name that does not resolve, too many redirects.
        case connection(String)
        /// The deadline passed before the whole body arrived.
        case timedOut
        /// The body is longer than the caller accepts.
        case tooLarge(Int)

        public var description: String {
            switch self {
            case .refused(let reason): "refused: \(reason)"
            case .connection(let reason): "connection failure: \(reason)"
            case .timedOut: "no complete answer in time"
            case .tooLarge(let limit): "the answer is longer than \(limit) bytes"
            }
        }
    }

    static let maximumRedirects = 5
    /// Clients kept, one per host and checked address (each with its pool of connections);
    /// beyond this the oldest is closed, failing what it still had in flight.
    static let maximumClients = 256

    private let policy: EgressPolicy
    private let tls: TLSConfiguration
    private let clients = Mutex<[(key: String, client: HTTPClient)]>([])

    /// - Parameter tls: how https servers are verified (the system's CAs by default).
    public init(policy: EgressPolicy, tls: TLSConfiguration = .makeClientConfiguration()) {
        self.policy = policy
        self.tls = tls
    }

    /// Sends `request` (following up to five redirects, each checked) and reads the whole
    /// answer within `timeout`.
    public func execute(_ request: HTTPClientRequest, timeout: Duration, maximumBody: Int) async throws(Failure) -> Response {
        let deadline = ContinuousClock.now + timeout
        var request = request
        for _ in 0...Self.maximumRedirects {
            let url = try await checked(request.url)
            let response: HTTPClientResponse
            do {
                response = try await client(for: url).execute(request, deadline: Self.nioDeadline(deadline))
            } catch {
                if ContinuousClock.now >= deadline { throw .timedOut }
                throw .connection(String(describing: error))
            }
            if let location = Self.redirect(response), let next = URL(string: location, relativeTo: url.url)?.absoluteURL {
                request = Self.following(request, to: next.absoluteString, status: response.status)
                continue
            }
            let body = try await Self.collect(response.body, upTo: maximumBody, until: deadline)
            return Response(status: Int(response.status.code), headers: response.headers, body: body, url: request.url)
        }
        throw .connection("more than \(Self.maximumRedirects) redirects")
    }

    /// Closes every pooled connection.
    public func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return clients.map(\.client)
        }
        for client in all { try? await client.shutdown() }
    }

    private struct CheckedURL {
        let url: URL
        let host: String
        let address: String
    }

    /// The URL parsed, its host resolved and the address allowed; else why not.
    private func checked(_ text: String) async throws(Failure) -> CheckedURL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else { throw .refused("'\(text)' is not a URL") }
        guard scheme == "http" || scheme == "https" else { throw .refused("only http and https URLs are fetched, not \(scheme):") }
        guard var host = url.host, !host.isEmpty else { throw .refused("'\(text)' has no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let name = host
        let resolved = await Task.detached { HostResolver.addresses(of: name) }.value
        guard let address = resolved.first else { throw .connection("\(host) does not resolve") }
        // Every address the name has must be allowed: a name with one public and one private
        // address is refused rather than trusted to pick the public one.
        for candidate in resolved {
            if let refusal = policy.refusal(address: candidate, port: port) { throw .refused("\(host) is \(refusal)") }
        }
        return CheckedURL(url: url, host: host, address: address)
    }

    /// A client that connects `url`'s host to its checked address (SNI and the certificate
    /// check still use the name).
    private func client(for url: CheckedURL) -> HTTPClient {
        let key = url.host + "|" + url.address
        var evicted: HTTPClient?
        let client = clients.withLock { clients in
            if let index = clients.firstIndex(where: { $0.key == key }) { return clients[index].client }
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)), decompression: .disabled)
            if !IPAddress.isLiteral(url.host) { configuration.dnsOverride = [url.host: url.address] }
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
            clients.append((key, client))
            if clients.count > Self.maximumClients { evicted = clients.removeFirst().client }
            return client
        }
        if let evicted { Task { try? await evicted.shutdown() } }
        return client
    }

    private static func nioDeadline(_ instant: ContinuousClock.Instant) -> NIODeadline {
        let (seconds, attoseconds) = (instant - .now).components
        return .now() + .nanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    private static func redirect(_ response: HTTPClientResponse) -> String? {
        guard [301, 302, 303, 307, 308].contains(response.status.code) else { return nil }
        return response.headers.first(name: "Location")
    }

    /// The request a redirect asks for: a 303, or a 301/302 after a POST, becomes a GET
    /// without a body (as browsers and AsyncHTTPClient do); 307 and 308 repeat it as it was.
    private static func following(_ request: HTTPClientRequest, to url: String, status: HTTPResponseStatus) -> HTTPClientRequest {
        var next = request
        next.url = url
        if status == .seeOther || (request.method == .POST && (status == .movedPermanently || status == .found)) {
            next.method = .GET
            next.body = nil
            next.headers.remove(name: "Content-Type")
            next.headers.remove(name: "Content-Length")
        }
        return next
    }

    /// The whole body, or a failure once `deadline` passes or the body outgrows `limit`.
    private static func collect(_ body: HTTPClientResponse.Body, upTo limit: Int, until deadline: ContinuousClock.Instant) async throws(Failure)
        -> ByteBuffer
    {
        do {
            return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await body.collect(upTo: limit) }
                group.addTask {
                    try await Task.sleep(until: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let buffer = first else { throw Failure.timedOut }
                return buffer
            }
        } catch let failure as Failure {
            throw failure
        } catch is NIOTooManyBytesError {
            throw .tooLarge(limit)
        } catch {
            throw ContinuousClock.now >= deadline ? .timedOut : .connection(String(describing: error))
        }
    }
}
