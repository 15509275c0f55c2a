import API
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import SIP
import Store

/// `GET /console/events`: server-sent events for the session's account. `call` carries each
/// call record as it is written (with its row drawn by the list's own template); `client`
/// carries a Client's registration line whenever it changes (checked every two seconds, in
/// memory). A comment line every 10 s finds a browser that has gone. The stream ends when the
/// session does, and when Parley shuts down.
struct LiveEvents {
    let routes: ConsoleRoutes

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("events") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                var headers = PageRenderer.headers(contentType: "text/event-stream")
                headers[.cacheControl] = "no-store"
                return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                    try await stream(visit, to: &writer)
                })
            }
        }
    }

    private func stream(_ visit: Visit, to writer: inout any ResponseBodyWriter) async throws {
        let account = visit.account.sid
        let (events, sink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(512))
        let calls = routes.services.callChanges.subscribe()
        let pages = routes.pages
        let forwarder = Task {
            for await call in calls where call.accountSid == account {
                let row = pages.render("call-row", CallPages.row(call)).replacingOccurrences(of: "\n", with: " ")
                sink.yield(Self.event("call", ["sid": call.sid.rawValue, "status": call.status.rawValue, "final": call.status.isFinal, "row": row]))
            }
        }
        let watcher = Task {
            var last: [ClientSid: String] = [:]
            var ticks = 0
            while !Task.isCancelled {
                guard (try? await routes.services.sessions.find(tokenHash: visit.session.tokenHash, at: routes.services.api.clock.now())) != nil
                else { break }
                let now = await registrationsByClient(of: account)
                for (client, (line, registrations)) in now where last[client] != line && (!last.isEmpty || !line.isEmpty) {
                    sink.yield(
                        Self.event(
                            "client",
                            ["sid": client.rawValue, "registered": !registrations.isEmpty, "status": ClientPages.registrationStatus(registrations)]))
                }
                last = now.mapValues(\.line)
                ticks += 1
                if ticks % 5 == 0 { sink.yield(": still here\n\n") }
                try? await Task.sleep(for: .seconds(2))
            }
            sink.finish()
        }
        defer {
            forwarder.cancel()
            watcher.cancel()
        }
        try await withGracefulShutdownHandler {
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            for await event in events {
                try await writer.write(ByteBuffer(string: event))
            }
            try await writer.finish(nil)
        } onGracefulShutdown: {
            sink.finish()
        }
    }

    /// Each Client's registrations, with them as one comparable line without their countdown:
    /// it changes when a registration comes, goes or moves ("" when not registered).
    private func registrationsByClient(of account: AccountSid) async -> [ClientSid: (line: String, registrations: [Registration])] {
        let api = routes.services.api
        let clients = (try? await api.clients.list(account: account, login: nil, page: PageRequest(size: PageRequest.maximumSize)).items) ?? []
        var found: [ClientSid: (line: String, registrations: [Registration])] = [:]
        for client in clients {
            let registrations = await api.registrar.registrations(of: client.sid)
            found[client.sid] = (registrations.map { "\($0.contact)|\($0.source)|\($0.registeredAt)" }.sorted().joined(separator: ","), registrations)
        }
        return found
    }

    private static func event(_ name: String, _ data: [String: Any]) -> String {
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "event: \(name)\ndata: \(json)\n\n"
    }
}
