import Foundation

/// A tenant's URL as the operator's log may show it: without user information (Twilio lets
/// webhook URLs carry `user:password@`) and without its query, where tokens travel too.
struct RedactedURL: CustomStringConvertible {
    let description: String

    init(_ url: String) {
        guard var components = URLComponents(string: url) else {
            description = "(unparsable URL)"
            return
        }
        components.user = nil
        components.password = nil
        let hadQuery = components.query != nil
        components.query = nil
        components.fragment = nil
        description = (components.string ?? "(unparsable URL)") + (hadQuery ? "?…" : "")
    }
}
