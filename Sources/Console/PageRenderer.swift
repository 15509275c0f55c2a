import Foundation
import Hummingbird
import Mustache

/// The console's Mustache templates, compiled into the binary, rendered into HTML responses
/// with the headers every page carries: no caching, no framing, scripts and styles from
/// Parley only.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates {
            // The templates ship inside the binary: one that does not parse is a build mistake.
            try! library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// `template` rendered with `data`, as a complete response.
    func page(_ template: String, _ data: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(
            status: status, headers: Self.headers(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: render(template, data))))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `template` rendered with `data` (a fragment, for the live view).
    func render(_ template: String, _ data: [String: Any]) -> String {
        library.render(data, withTemplate: template) ?? ""
    }

    static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .contentSecurityPolicy:
                "default-src 'self'; img-src 'self' data:; media-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Referrer-Policy")!: "same-origin",
        ]
    }

    private static let templates: [(String, [UInt8])] = [
        ("layout-top", PackageResources.layout_top_mustache), ("layout-bottom", PackageResources.layout_bottom_mustache),
        ("login", PackageResources.login_mustache), ("password", PackageResources.password_mustache),
        ("dashboard", PackageResources.dashboard_mustache), ("applications", PackageResources.applications_mustache),
        ("application", PackageResources.application_mustache), ("clients", PackageResources.clients_mustache),
        ("client", PackageResources.client_mustache), ("calls", PackageResources.calls_mustache),
        ("call-row", PackageResources.call_row_mustache), ("call", PackageResources.call_mustache),
        ("numbers", PackageResources.numbers_mustache), ("number", PackageResources.number_mustache),
        ("credentials", PackageResources.credentials_mustache), ("settings", PackageResources.settings_mustache),
        ("messages", PackageResources.messages_mustache), ("recordings", PackageResources.recordings_mustache),
        ("notifications", PackageResources.notifications_mustache),
        ("code", PackageResources.code_mustache), ("profile", PackageResources.profile_mustache),
        ("error", PackageResources.error_mustache), ("field", PackageResources.field_mustache),
    ]
}
