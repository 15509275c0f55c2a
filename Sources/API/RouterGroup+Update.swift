import Hummingbird

extension RouterGroup where Context == ParleyRequestContext {
    /// Registers an update handler for both POST and PUT: Restcomm accepts either.
    func update(
        _ path: String,
        use handler: @escaping @Sendable (Request, ParleyRequestContext) async throws -> Response
    ) {
        on(RouterPath(path), method: .post, use: handler)
        on(RouterPath(path), method: .put, use: handler)
    }
}
