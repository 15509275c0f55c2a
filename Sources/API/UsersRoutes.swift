import Foundation
import Hummingbird
import Messaging
import Store

/// The console users of an account (a Parley extension): list, invite (the set-password link
/// goes by e-mail when a relay is configured, else it is in the answer, once), remove.
struct UsersRoutes {
    let accounts: any AccountRepository
    let users: UserDirectory
    let email: EmailService
    let publicURL: String
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts/{accountSid}/Users") { _, context in
            let account = try await scope.resolve(context)
            let list = try await users.users.list(account: account.sid)
            let page = ListPage(path: "/Accounts/\(account.sid)/Users", key: "users", listElement: "Users", itemElement: "User")
            let result = PageResult(items: list, total: list.count, request: PageRequest(size: PageRequest.maximumSize))
            return page.response(result, filters: [], context: context) { representation($0, link: nil, context: context) }
        }
        group.post("Accounts/{accountSid}/Users") { request, context in
            let account = try await scope.resolve(context, access: .write)
            let (user, link) = try await users.invite(
                in: account.sid, form: try await request.formParameters(), linkBase: publicURL, mail: email)
            return ResourceResponse.make(representation(user, link: link, context: context), element: "User", status: .created, context: context)
        }
        group.delete("Accounts/{accountSid}/Users/{sid}") { _, context in
            let account = try await scope.resolve(context, access: .write)
            let sid: ConsoleUserSid = try context.sidParameter("sid")
            guard try await users.users.delete(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
            return ResourceResponse.noContent()
        }
    }

    private func representation(_ user: ConsoleUser, link: String?, context: ParleyRequestContext) -> ResourceValue {
        .object([
            "sid": .string(user.sid.rawValue),
            "account_sid": .string(user.accountSid.rawValue),
            "email": .string(user.email),
            "role": .string(user.role.rawValue),
            "password_set": .boolean(user.passwordHash != nil),
            "password_link": .text(link),
            "date_created": .string(RFC2822Date.format(user.dateCreated)),
            "uri": .string(ResourceURI.item(user.accountSid, "Users", user.sid, context)),
        ])
    }
}
