import Addressing
import Foundation
import HTTPTypes
import Hummingbird

/// The address a request really comes from, for the login throttle and the logs: the
/// connection's peer, unless that peer is one of the operator's `--trusted-proxy` addresses,
/// in which case the last address of `X-Forwarded-For` that is not itself a trusted proxy.
/// Anyone else's `X-Forwarded-For` is ignored, so a client cannot choose the address it is
/// throttled under.
struct ForwardedAddress: RouterMiddleware {
    typealias Context = ParleyRequestContext

    let trustedProxies: [AddressRange]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let hops = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { String($0.trimmingCharacters(in: .whitespaces)) }
        guard isTrusted(context.remoteAddress), !hops.isEmpty else { return try await next(request, context) }
        var context = context
        for hop in hops.reversed() {
            guard IPAddress.isLiteral(hop) else { break }
            context.remoteAddress = hop
            if !isTrusted(hop) { break }
        }
        return try await next(request, context)
    }

    private func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
