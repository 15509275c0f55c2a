import Hummingbird
import Tracing

/// A server span per HTTP request (when `--otel-endpoint` set up a tracer; otherwise the
/// no-op tracer makes this nearly free): named by method and route, with the status, the
/// client, and the CallSid when the path names a call. Neither the query nor any header is
/// recorded, so no credential reaches the traces.
struct RequestTracing: RouterMiddleware {
    typealias Context = ParleyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let span = startSpan("\(request.method.rawValue) route not found", ofKind: .server)
        let path = AccessLogMiddleware.loggable(request.uri.path)
        span.updateAttributes { attributes in
            attributes["http.request.method"] = request.method.rawValue
            attributes["url.path"] = path
            attributes["client.address"] = context.remoteAddress
            if let call = AccessLogMiddleware.sid(after: "Calls", prefix: "CA", in: path) { attributes["parley.call_sid"] = String(call) }
        }
        do {
            let response = try await ServiceContext.$current.withValue(span.context) { try await next(request, context) }
            if let route = context.endpointPath { span.operationName = "\(request.method.rawValue) \(route)" }
            span.attributes["http.route"] = context.endpointPath
            span.attributes["http.response.status_code"] = Int(response.status.code)
            if response.status.code >= 500 { span.setStatus(.init(code: .error)) }
            span.end()
            return response
        } catch {
            span.recordError(error)
            span.end()
            throw error
        }
    }
}
