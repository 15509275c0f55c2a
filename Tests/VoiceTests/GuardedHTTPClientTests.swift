import Addressing
import AsyncHTTPClient
import Foundation
import Glibc
import Testing

@testable import Voice

/// A one-shot HTTP server on a loopback socket that answers with a head promising `length`
/// bytes, sends `sent` of them and then holds the connection open until the client closes
/// it: a server that trickles.
private final class TricklingServer: @unchecked Sendable {
    // The descriptor is written once in init and read by the serving thread only afterwards.
    let descriptor: CInt
    let port: Int

    init(length: Int, sent: Int) throws {
        let listener = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var bound = address
        _ = withUnsafePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        _ = listen(listener, 1)
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &size) } }
        descriptor = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(client, &buffer, buffer.count)
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: \(length)\r\n\r\n" + String(repeating: "x", count: sent)
            _ = head.withCString { write(client, $0, strlen($0)) }
            while read(client, &buffer, buffer.count) > 0 {}
            close(client)
        }
    }

    deinit { close(descriptor) }
}

@Suite("Guarded HTTP client")
struct GuardedHTTPClientTests {
    @Test("a body that never completes fails at the deadline, which covers the body too")
    func trickle() async throws {
        let server = try TricklingServer(length: 100, sent: 10)
        let client = GuardedHTTPClient(policy: EgressPolicy(allowed: [AddressRange("127.0.0.1")!], ownPorts: [], ownAddresses: []))
        let started = ContinuousClock.now
        await #expect(throws: GuardedHTTPClient.Failure.timedOut) {
            _ = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/rcml"), timeout: .seconds(1), maximumBody: 1 << 20)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        await client.shutdown()
    }

    @Test("schemes other than http and https, and addresses outside the allow-list, are refused before any connection")
    func refusals() async {
        let client = GuardedHTTPClient(policy: EgressPolicy(allowed: [], ownPorts: [], ownAddresses: []))
        for url in ["http+unix://%2Ftmp%2Fs/x", "ftp://198.51.100.1/x", "file:///etc/passwd", "http://127.0.0.1:9/x", "http://[::1]/x", "http://169.254.169.254/"] {
            do {
                _ = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(1), maximumBody: 1024)
                Issue.record("fetched \(url)")
            } catch {
                guard case .refused = error else {
                    Issue.record("\(url): \(error)")
                    continue
                }
            }
        }
        await client.shutdown()
    }
}
