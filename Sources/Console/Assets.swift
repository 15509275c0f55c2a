import Hummingbird
import NIOCore

/// The console's stylesheet and script, compiled into the binary and served under
/// `/console/assets/`: no CDN, no build step.
enum Assets {
    static func register(on console: RouterGroup<some RequestContext>) {
        console.get("assets/console.css") { _, _ in asset(PackageResources.console_css, type: "text/css; charset=utf-8") }
        console.get("assets/console.js") { _, _ in asset(PackageResources.console_js, type: "text/javascript; charset=utf-8") }
    }

    private static func asset(_ bytes: [UInt8], type: String) -> Response {
        var headers = PageRenderer.headers(contentType: type)
        headers[.cacheControl] = "public, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
