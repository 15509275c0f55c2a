import API
import Foundation
import Hummingbird
import Store

/// Applications: list, create, edit, delete, with the numbers bound to each. Forms use the
/// API's parameter names and go through its `ApplicationEditor`.
struct ApplicationPages {
    let routes: ConsoleRoutes
    var editor: ApplicationEditor { ApplicationEditor(applications: routes.services.api.applications) }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("applications") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let applications = try await routes.services.api.applications.list(
                    account: visit.account.sid, friendlyName: nil, page: PageRequest(size: PageRequest.maximumSize)
                ).items
                let bound = try await numbersByApplication(visit.account.sid)
                var data = routes.frame(visit, section: "applications", title: "Applications")
                data["applications"] = applications.map { application in
                    [
                        "sid": application.sid.rawValue, "name": application.friendlyName, "url": application.voiceUrl ?? "",
                        "numbers": (bound[application.sid] ?? []).joined(separator: ", "),
                    ] as [String: Any]
                }
                data["empty"] = applications.isEmpty
                return routes.pages.page("applications", data)
            }
        }
        console.get("applications/new") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                return page(visit, application: nil, state: Self.form(nil), status: .ok)
            }
        }
        console.post("applications") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.visit(request, form: form)
                do {
                    let application = try await editor.create(in: visit.account.sid, form: form)
                    return Response.redirect(to: "/console/applications/\(application.sid)?saved=1", type: .normal)
                } catch {
                    return try refused(error, visit: visit, application: nil, form: form)
                }
            }
        }
        console.get("applications/{sid}") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let application = try await find(context, visit)
                return page(visit, application: application, state: Self.form(application), status: .ok, saved: request.uri.query == "saved=1")
            }
        }
        console.post("applications/{sid}") { request, context in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.visit(request, form: form)
                let application = try await find(context, visit)
                do {
                    _ = try await editor.update(application, form: form)
                    return Response.redirect(to: "/console/applications/\(application.sid)?saved=1", type: .normal)
                } catch {
                    return try refused(error, visit: visit, application: application, form: form)
                }
            }
        }
        console.post("applications/{sid}/delete") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request, form: try await request.formParameters())
                let application = try await find(context, visit)
                _ = try await routes.services.api.applications.delete(application.sid, account: visit.account.sid)
                return Response.redirect(to: "/console/applications", type: .normal)
            }
        }
    }

    private func find(_ context: ParleyRequestContext, _ visit: Visit) async throws -> Store.Application {
        guard let sid = context.parameters.get("sid").flatMap(ApplicationSid.init) else { throw APIError.notFound("application") }
        return try await editor.find(sid, in: visit.account.sid)
    }

    /// A refused form drawn again with the API's message beside the field it names.
    private func refused(_ error: any Error, visit: Visit, application: Store.Application?, form: FormParameters) throws -> Response {
        guard let described = APIError.describing(error) else { throw error }
        var state = Self.form(application)
        state.keep(form)
        state.refuse(described)
        return page(visit, application: application, state: state, status: described.status)
    }

    private func page(_ visit: Visit, application: Store.Application?, state: FormState, status: HTTPResponse.Status, saved: Bool = false) -> Response {
        var data = routes.frame(visit, section: "applications", title: application?.friendlyName ?? "New application")
        data["fields"] = state.rendered
        data["formError"] = state.formError
        data["saved"] = saved
        data["action"] = application.map { "/console/applications/\($0.sid)" } ?? "/console/applications"
        if let application {
            data["application"] = ["sid": application.sid.rawValue, "name": application.friendlyName]
        }
        return routes.pages.page("application", data, status: status)
    }

    private static func form(_ application: Store.Application?) -> FormState {
        FormState(fields: [
            .init(name: "FriendlyName", label: "Name", value: application?.friendlyName ?? "", required: true),
            .init(
                name: "VoiceUrl", label: "Voice URL", type: "url", value: application?.voiceUrl ?? "",
                hint: "Parley fetches RCML from here when a call reaches this application."),
            FormState.methods("VoiceMethod", label: "Voice method", value: application?.voiceMethod.rawValue ?? "POST"),
            .init(
                name: "VoiceFallbackUrl", label: "Fallback URL", type: "url", value: application?.voiceFallbackUrl ?? "",
                hint: "Fetched when the voice URL fails or returns invalid RCML."),
            .init(
                name: "StatusCallback", label: "Status callback URL", type: "url", value: application?.statusCallback ?? "",
                hint: "Told when each call ends."),
        ])
    }

    private func numbersByApplication(_ account: AccountSid) async throws -> [ApplicationSid: [String]] {
        let numbers = try await routes.services.api.numbers.owned(by: account, filter: NumberFilter(), page: PageRequest(size: PageRequest.maximumSize)).items
        var bound: [ApplicationSid: [String]] = [:]
        for number in numbers {
            if let sid = number.routing.voiceApplicationSid { bound[sid, default: []].append(number.e164) }
        }
        return bound
    }
}
