import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `parley registrations list`: every Client contact registered now, across tenants. The
/// registrations live in the running server, so this asks its REST API
/// (`GET /2010-04-01/Admin/Registrations.json`) as the administrator.
struct RegistrationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registrations", abstract: "See softphone registrations across every account.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the contacts registered now, one per line, from the running server.")
        @OptionGroup var location: AccountsCommand.Location
        @Option(help: "The server's API (default http://127.0.0.1:PARLEY_HTTP_PORT, else :8080).")
        var url: String?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let base = url ?? "http://127.0.0.1:\(environment["PARLEY_HTTP_PORT"] ?? "8080")"
            let (sid, token) = try administratorCredentials(environment)
            guard let endpoint = URL(string: base + "/2010-04-01/Admin/Registrations.json") else {
                throw ValidationError("--url: '\(base)' is not a URL")
            }
            var request = URLRequest(url: endpoint)
            request.setValue("Basic " + Data("\(sid):\(token)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            guard let status = (response as? HTTPURLResponse)?.statusCode, status == 200 else {
                throw ValidationError("\(endpoint) answered \(String(decoding: body, as: UTF8.self))")
            }
            let decoded = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            for entry in decoded?["registrations"] as? [[String: Any]] ?? [] {
                let fields = ["account_sid", "login", "contact", "source", "user_agent", "expires"].map { key in
                    "\(key == "account_sid" ? "" : key + "=")\(entry[key].map { "\($0)" } ?? "-")"
                }
                print(fields.joined(separator: " "))
            }
        }

        /// PARLEY_ADMIN_SID and PARLEY_ADMIN_TOKEN, else the `admin-credentials` file Parley
        /// wrote in the data directory on its first start.
        private func administratorCredentials(_ environment: [String: String]) throws -> (String, String) {
            if let sid = environment["PARLEY_ADMIN_SID"], let token = environment["PARLEY_ADMIN_TOKEN"] { return (sid, token) }
            let file = (location.directory.path as NSString).appendingPathComponent("admin-credentials")
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("no administrator credentials: set PARLEY_ADMIN_SID and PARLEY_ADMIN_TOKEN, or give the --data-dir holding admin-credentials")
            }
            let pairs = Dictionary(text.split(separator: "\n").map { line in
                let parts = line.split(separator: "=", maxSplits: 1)
                return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { $1 })
            guard let sid = pairs["PARLEY_ADMIN_SID"], let token = pairs["PARLEY_ADMIN_TOKEN"] else {
                throw ValidationError("\(file) does not hold PARLEY_ADMIN_SID and PARLEY_ADMIN_TOKEN")
            }
            return (sid, token)
        }
    }
}
