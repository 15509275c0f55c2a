import Hummingbird
import Store

/// Turns every error a route throws into a Twilio-style error body in the request's format,
/// so no handler renders errors itself and no internal detail leaks to the client.
struct ErrorRenderingMiddleware: RouterMiddleware {
    typealias Context = ParleyRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let mapped: APIError =
                switch error.status {
                case .notFound: .notFound(request.uri.path)
                case .methodNotAllowed: .methodNotAllowed
                case .contentTooLarge: .bodyTooLarge
                default: APIError(status: error.status, code: 20001, message: "Bad request")
                }
            return ResourceResponse.error(mapped, context: context)
        } catch {
            if let described = APIError.describing(error) { return ResourceResponse.error(described, context: context) }
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return ResourceResponse.error(
                APIError(status: .internalServerError, code: 20500, message: "Internal error"),
                context: context)
        }
    }
}
