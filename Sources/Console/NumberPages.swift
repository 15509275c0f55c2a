import API
import Foundation
import Hummingbird
import Store

/// The number manager: the account's numbers, a search of the pool by type, zone, tier and
/// digits, reserving (with the address-in-zone confirmation for fixed numbers), routing to an
/// application or to URLs, and releasing into the 15-day freeze. Rules are the API's `NumberEditor`.
struct NumberPages {
    let routes: ConsoleRoutes
    var api: APIServices { routes.services.api }
    var editor: NumberEditor { NumberEditor(numbers: api.numbers, applications: api.applications, clock: api.clock) }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("numbers") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                return try await listPage(visit, query: try request.queryForm(), problem: "", status: .ok)
            }
        }
        console.post("numbers") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.visit(request, form: form)
                do {
                    let number = try await editor.reserve(in: visit.account.sid, type: nil, form: form)
                    return Response.redirect(to: "/console/numbers/\(number.sid?.rawValue ?? "")?reserved=1", type: .normal)
                } catch {
                    guard let described = APIError.describing(error) else { throw error }
                    return try await listPage(visit, query: form, problem: described.message, status: described.status)
                }
            }
        }
        console.get("numbers/{sid}") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let number = try await find(context, visit)
                let query = try request.queryForm()
                return try await numberPage(visit, number, state: try await form(number, account: visit.account.sid), status: .ok, notice: query.string("reserved") != nil ? "Reserved." : query.string("saved") != nil ? "Saved." : "")
            }
        }
        console.post("numbers/{sid}") { request, context in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.visit(request, form: form)
                let number = try await find(context, visit)
                do {
                    _ = try await editor.update(number, form: form)
                    return Response.redirect(to: "/console/numbers/\(number.sid?.rawValue ?? "")?saved=1", type: .normal)
                } catch {
                    guard let described = APIError.describing(error) else { throw error }
                    var state = try await self.form(number, account: visit.account.sid)
                    state.keep(form)
                    state.refuse(described)
                    return try await numberPage(visit, number, state: state, status: described.status, notice: "")
                }
            }
        }
        console.post("numbers/{sid}/release") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request, form: try await request.formParameters())
                let number = try await find(context, visit)
                guard let sid = number.sid else { throw APIError.notFound("number") }
                let back = try await editor.release(sid, of: visit.account.sid)
                let day = ConsoleFormat.day(back)
                return Response.redirect(to: "/console/numbers?Released=\(number.e164.dropFirst())&Until=\(day)", type: .normal)
            }
        }
    }

    private func listPage(_ visit: Visit, query: FormParameters, problem: String, status: HTTPResponse.Status) async throws -> Response {
        var data = routes.frame(visit, section: "numbers", title: "Numbers")
        let owned = try await api.numbers.owned(by: visit.account.sid, filter: NumberFilter(), page: PageRequest(size: PageRequest.maximumSize)).items
        let applications = try await applicationNames(visit.account.sid)
        data["numbers"] = owned.map { number in
            [
                "sid": number.sid?.rawValue ?? "", "e164": number.e164, "name": number.routing.friendlyName ?? NationalFormat.format(number.e164),
                "kind": Self.kind(number), "sms": number.smsSupported,
                "route": number.routing.voiceApplicationSid.flatMap { applications[$0] }.map { "Application: \($0)" }
                    ?? number.routing.voiceUrl.map { "URL: \($0)" } ?? "Not routed",
            ] as [String: Any]
        }
        data["empty"] = owned.isEmpty
        if let released = query.string("Released"), let until = query.string("Until") {
            data["notice"] = "Released +\(released). It stays frozen until \(until), then returns to the pool."
        }
        // The search: what was asked, and the first matches.
        let type = query.string("Type").flatMap(NumberType.init(rawValue:))
        data["search"] = [
            "types": [("", "Any"), ("FIXED", "Fixed"), ("MOBILE", "Mobile")].map { ["value": $0.0, "label": $0.1, "selected": $0.0 == (type?.rawValue ?? "")] as [String: Any] },
            "tiers": [("", "Any"), ("REGULAR", "Regular"), ("PREMIUM", "Premium")].map {
                ["value": $0.0, "label": $0.1, "selected": $0.0 == (query.string("PriceTier") ?? "").uppercased()] as [String: Any]
            },
            "areaCode": query.string("AreaCode") ?? "", "contains": query.string("Contains") ?? "",
        ]
        var problem = problem
        if query.string("Search") != nil || query.string("Type") != nil {
            do {
                let found = try await editor.available(try NumberEditor.searchFilter(type: type, form: query), page: PageRequest(size: 20)).items
                data["results"] = found.map { number in
                    [
                        "e164": number.e164, "display": NationalFormat.format(number.e164), "kind": Self.kind(number), "fixed": number.type == .fixed,
                        "zone": number.zone, "sms": number.smsSupported,
                    ] as [String: Any]
                }
                data["searched"] = true
                data["noResults"] = found.isEmpty
            } catch let error as APIError {
                problem = error.message
            }
        }
        data["problem"] = ConsoleFormat.shown(problem)
        return routes.pages.page("numbers", data, status: status)
    }

    private func numberPage(_ visit: Visit, _ number: PhoneNumber, state: FormState, status: HTTPResponse.Status, notice: String) async throws -> Response {
        var data = routes.frame(visit, section: "numbers", title: NationalFormat.format(number.e164))
        data["number"] = ["sid": number.sid?.rawValue ?? "", "e164": number.e164, "kind": Self.kind(number), "sms": number.smsSupported]
        data["fields"] = state.rendered
        data["formError"] = state.formError
        data["notice"] = ConsoleFormat.shown(notice)
        return routes.pages.page("number", data, status: status)
    }

    private func form(_ number: PhoneNumber, account: AccountSid) async throws -> FormState {
        let applications = try await api.applications.list(account: account, friendlyName: nil, page: PageRequest(size: PageRequest.maximumSize)).items
        let routing = number.routing
        return FormState(fields: [
            .init(name: "FriendlyName", label: "Name", value: routing.friendlyName ?? ""),
            .init(
                name: "VoiceApplicationSid", label: "Application", value: routing.voiceApplicationSid?.rawValue ?? "",
                hint: "Calls to this number run this application; without one, the URLs below.",
                options: [("", "None (use the URLs below)")] + applications.map { ($0.sid.rawValue, $0.friendlyName) }),
            .init(name: "VoiceUrl", label: "Voice URL", type: "url", value: routing.voiceUrl ?? ""),
            FormState.methods("VoiceMethod", label: "Voice method", value: routing.voiceMethod.rawValue),
            .init(name: "VoiceFallbackUrl", label: "Fallback URL", type: "url", value: routing.voiceFallbackUrl ?? ""),
            .init(name: "StatusCallback", label: "Status callback URL", type: "url", value: routing.statusCallback ?? ""),
        ])
    }

    private func find(_ context: ParleyRequestContext, _ visit: Visit) async throws -> PhoneNumber {
        guard let sid = context.parameters.get("sid").flatMap(PhoneNumberSid.init) else { throw APIError.notFound("number") }
        return try await editor.find(sid, in: visit.account.sid)
    }

    private func applicationNames(_ account: AccountSid) async throws -> [ApplicationSid: String] {
        let list = try await api.applications.list(account: account, friendlyName: nil, page: PageRequest(size: PageRequest.maximumSize)).items
        return Dictionary(uniqueKeysWithValues: list.map { ($0.sid, $0.friendlyName) })
    }

    static func kind(_ number: PhoneNumber) -> String {
        let type = number.type == .fixed ? "Fixed, zone \(number.zone)" : "Mobile"
        return number.priceTier == .premium ? type + ", premium" : type
    }
}
