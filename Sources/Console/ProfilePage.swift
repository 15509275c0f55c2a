import API
import Foundation
import Hummingbird
import Messaging
import Store

/// The signed-in user's own page: who they are, and two-step sign-in (a code by e-mail at
/// each sign-in, sent through a Verify service of their account), which needs a mail relay.
struct ProfilePage {
    let routes: ConsoleRoutes
    var api: APIServices { routes.services.api }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("profile") { request, _ in
            await routes.respond(request) { page(try await routes.gate.visit(request), notice: "", status: .ok) }
        }
        console.post("profile/two-step") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.visit(request, form: form)
                var user = visit.user
                if form.string("Enabled") == "true" {
                    guard api.email.relays else {
                        return page(visit, notice: "Two-step sign-in sends codes by e-mail: this Parley has no mail relay yet (--smtp).", status: .conflict)
                    }
                    if user.twoStepService == nil {
                        user.twoStepService = try await api.verify.createService(
                            account: user.accountSid, .init(friendlyName: "Parley console", channelOrder: [.email])
                        ).sid
                    }
                } else if let service = user.twoStepService {
                    try? await api.verify.deleteService(account: user.accountSid, sid: service)
                    user.twoStepService = nil
                }
                user.dateUpdated = Date()
                try await routes.services.users.update(user)
                return Response.redirect(to: "/console/profile", type: .normal)
            }
        }
    }

    private func page(_ visit: Visit, notice: String, status: HTTPResponse.Status) -> Response {
        var data = routes.frame(visit, section: "profile", title: "Your sign-in")
        data["role"] = visit.user.role.rawValue
        data["twoStep"] = visit.user.twoStepService != nil
        data["problem"] = ConsoleFormat.shown(notice)
        return routes.pages.page("profile", data, status: status)
    }
}
