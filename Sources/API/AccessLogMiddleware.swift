import Hummingbird
import Logging

/// One line per HTTP request at info level: method, path, status, duration and the account
/// the path names. The query string is left out, and a public recording's path (whose file
/// name is its secret token) is written without the token; credentials are never read here.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = ParleyRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let path = Self.loggable(request.uri.path)
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "path": "\(path)", "status": "\(response.status.code)",
            "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            "client": "\(context.remoteAddress)",
        ]
        if let account = Self.sid(after: "Accounts", prefix: "AC", in: path) { metadata["account"] = "\(account)" }
        logger.info("http", metadata: metadata)
        return response
    }

    static func loggable(_ path: String) -> String {
        path.hasPrefix("/recordings/") ? "/recordings/[token].wav" : path
    }

    /// The SID in the segment after `collection` (`Accounts`, `Calls`) when it has `prefix`
    /// (`AC`, `CA`), without a `.json` suffix.
    static func sid(after collection: Substring, prefix: String, in path: String) -> Substring? {
        let segments = path.split(separator: "/")
        guard let index = segments.firstIndex(of: collection), index + 1 < segments.count else { return nil }
        let sid = segments[index + 1].prefix { $0 != "." }
        return sid.hasPrefix(prefix) ? sid : nil
    }
}
