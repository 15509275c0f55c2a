import Hummingbird

/// Runs before routing: picks the response format and the API root from the path, and strips
/// `.json` suffixes from path segments so one route serves `/Calls`, `/Calls.json` and
/// `/Calls/CA….json` alike (Restcomm's rule; Twilio's libraries always add `.json`).
struct PathNormalizingResponder<Router: HTTPResponder<ParleyRequestContext>>: HTTPResponder {
    let router: Router

    func respond(to request: Request, context: ParleyRequestContext) async throws -> Response {
        var context = context
        let path = request.uri.path
        context.root = path.hasPrefix(APIRoot.restcomm.path + "/") ? .restcomm : .twilio
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let stripped = segments.map { $0.hasSuffix(".json") ? $0.dropLast(5) : $0 }
        let acceptsJSON = request.headers[.accept]?.lowercased().contains("json") ?? false
        let restPath = APIRoot.allCases.contains { path.hasPrefix($0.path + "/") }
        // Only the Twilio/Restcomm resources speak XML; everything else is JSON.
        context.format = (!restPath || stripped != segments || acceptsJSON) ? .json : .xml
        guard stripped != segments else {
            return try await router.respond(to: request, context: context)
        }
        var head = request.head
        let query = request.uri.query.map { "?" + $0 } ?? ""
        head.path = stripped.joined(separator: "/") + query
        return try await router.respond(to: Request(head: head, body: request.body), context: context)
    }
}
