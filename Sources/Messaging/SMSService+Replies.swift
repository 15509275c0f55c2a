import Foundation
import Store
import Voice

/// What a messaging webhook answers to an incoming SMS, run as Twilio's MessagingResponse and
/// Restcomm's SMS RCML are: each `<Message>` (or `<Sms>`) is sent as a reply, by default to the
/// person who wrote and from the number written to; `<Redirect>` fetches the next document,
/// and so does a reply's `action` (told the reply's SID and status), whose document replaces
/// the rest of this one. A verb of another kind, or a reply Parley refuses, is a Notification,
/// and the rest of the document still runs.
extension SMSService {
    /// Documents one incoming message may lead through, redirects and actions included.
    static let maximumReplyDocuments = 10

    func answer(
        _ target: WebhookTarget, parameters: [(String, String)], account: AccountSid, number: String, sender: String
    ) async {
        var next: WebhookTarget? = target
        var nextParameters = parameters
        var documents = 0
        while let target = next, documents < Self.maximumReplyDocuments {
            documents += 1
            next = nil
            guard let fetched = await fetcher.fetchMessagingDocument(target, parameters: nextParameters, account: account) else { return }
            verbs: for element in fetched.document.verbs {
                switch element.name {
                case "Message", "Sms":
                    guard let reply = await reply(element, documentURL: fetched.url, account: account, number: number, sender: sender) else {
                        continue
                    }
                    guard let action = element.attributes["action"] else { continue }
                    next = WebhookTarget(url: RCMLDocument.resolve(action, against: fetched.url), method: method(of: element))
                    nextParameters = parameters + [
                        ("SmsSid", reply.sid.rawValue), ("SmsStatus", reply.status.rawValue),
                        ("MessageSid", reply.sid.rawValue), ("MessageStatus", reply.status.rawValue),
                    ]
                    break verbs
                case "Redirect" where !element.text.isEmpty:
                    next = WebhookTarget(url: RCMLDocument.resolve(element.text, against: fetched.url), method: method(of: element))
                    nextParameters = parameters
                    break verbs
                default:
                    await fetcher.notify(
                        code: 12100, message: "<\(element.name)> is not a messaging verb (Message, Sms, Redirect): skipped",
                        url: fetched.url, account: account, call: nil, level: .warning)
                }
            }
        }
        if next != nil {
            await fetcher.notify(
                code: 12100, message: "more than \(Self.maximumReplyDocuments) documents for one incoming message: stopped",
                url: target.url, account: account, call: nil)
        }
    }

    /// Sends one `<Message>`: its text, or Twilio's `<Body>` child's.
    private func reply(_ element: RCMLElement, documentURL: String, account: AccountSid, number: String, sender: String) async
        -> MessageRecord?
    {
        let body = (element.children.first { $0.name == "Body" }?.text ?? element.text).trimmingCharacters(in: .whitespacesAndNewlines)
        if element.children.contains(where: { $0.name == "Media" }) {
            await fetcher.notify(
                code: 12100, message: "<Media> in <\(element.name)>: Parley sends SMS, not MMS; the text goes alone",
                url: documentURL, account: account, call: nil, level: .warning)
        }
        do {
            return try await send(
                account: account, from: element.attributes["from"] ?? number, to: element.attributes["to"] ?? sender, body: body,
                statusCallback: element.attributes["statusCallback"].map { RCMLDocument.resolve($0, against: documentURL) },
                statusCallbackMethod: method(of: element, attribute: "statusCallbackMethod"), isReply: true)
        } catch let refusal as SMSRefusal {
            await fetcher.notify(
                code: refusal.code, message: "<\(element.name)> not sent: \(refusal.message)", url: documentURL, account: account, call: nil)
        } catch {
            await fetcher.notify(code: 12100, message: "<\(element.name)> not sent: \(error)", url: documentURL, account: account, call: nil)
        }
        return nil
    }

    private func method(of element: RCMLElement, attribute: String = "method") -> WebhookMethod {
        element.attributes[attribute].flatMap { WebhookMethod(rawValue: $0.uppercased()) } ?? .post
    }
}
