import Hummingbird
import NIOCore

/// `GET /openapi.json`: Parley's own OpenAPI 3.0 description of every route it serves, with
/// parameters, responses and errors (unauthenticated, like `/health`). The document is
/// `openapi.json` beside this file, compiled into the binary.
struct OpenAPIRoutes {
    private static let document = ByteBuffer(bytes: PackageResources.openapi_json)

    func register(on router: Router<ParleyRequestContext>) {
        // The path normaliser has already taken `.json` off.
        router.get("openapi") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: Self.document))
        }
    }
}
