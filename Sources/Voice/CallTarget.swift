import Foundation

import SIPMessages
import Store

/// Where an outbound leg goes: a Belgian number through the carrier trunk, every registered
/// contact of a Client, or a SIP address.
public enum CallTarget: Sendable, Equatable {
    case number(String)
    case client(String)
    case sip(SIPURI)

    /// Reads Twilio's `To` forms: `+32…` or a national `0…` number, a `tel:` URI (RFC 3966),
    /// `client:login`, `sip:…`. Nil when the text is none of them or not a Belgian number.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("client:") {
            let login = String(trimmed.dropFirst("client:".count))
            guard !login.isEmpty else { return nil }
            self = .client(login)
        } else if trimmed.lowercased().hasPrefix("sip:") || trimmed.lowercased().hasPrefix("sips:") {
            guard let uri = SIPURI(trimmed) else { return nil }
            self = .sip(uri)
        } else if trimmed.lowercased().hasPrefix("tel:") {
            guard let e164 = BelgianNumberPlan.normalise(String(trimmed.dropFirst("tel:".count).prefix { $0 != ";" })) else { return nil }
            self = .number(e164)
        } else if let e164 = BelgianNumberPlan.normalise(trimmed) {
            self = .number(e164)
        } else {
            return nil
        }
    }

    /// The form written in call records: E.164, `client:login` or the SIP URI.
    public var recordForm: String {
        switch self {
        case .number(let e164): e164
        case .client(let login): "client:\(login)"
        case .sip(let uri): uri.description
        }
    }
}
