import Crypto
import Foundation

/// Twilio's webhook signature (`X-Twilio-Signature`): the base64 HMAC-SHA1, keyed with the
/// account's auth token, of the full URL followed by every POST parameter's name and value
/// sorted by name. The twilio libraries' `RequestValidator` checks it; a GET request signs the
/// URL alone (its parameters are in the query).
enum RequestSignature {
    static func sign(url: String, parameters: [(String, String)], token: String) -> String {
        var text = url
        for (name, value) in parameters.sorted(by: { $0.0 < $1.0 }) { text += name + value }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(code).base64EncodedString()
    }
}
