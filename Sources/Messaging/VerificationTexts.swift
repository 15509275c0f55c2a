import Foundation

/// What a one-time password says, per locale (en, fr, nl, de): the SMS, the e-mail and the
/// words the voice call speaks around the digits. Each text is filled in when it is asked for,
/// since a send needs only its channel's.
struct VerificationTexts: Sendable {
    private let template: Template
    private let code: String
    private let name: String
    private let minutes: Int

    static let locales = ["en", "fr", "nl", "de"]

    /// The texts of `locale` (English for another) with `{code}`, `{name}` and `{minutes}` (the
    /// code's lifetime) to fill in.
    static func texts(locale: String, code: String, name: String, minutes: Int) -> VerificationTexts {
        VerificationTexts(template: templates[locale] ?? templates["en"]!, code: code, name: name, minutes: minutes)
    }

    var sms: String { fill(template.sms) }
    var emailSubject: String { fill(template.emailSubject) }
    var emailBody: String { fill(template.emailBody) }
    var voiceIntro: String { fill(template.voiceIntro) }
    var voiceAgain: String { fill(template.voiceAgain) }
    var voicePressOne: String { fill(template.voicePressOne) }
    /// espeak-ng's language for the voice call.
    var voiceLanguage: String { template.voiceLanguage }

    private func fill(_ text: String) -> String {
        text.replacingOccurrences(of: "{code}", with: code).replacingOccurrences(of: "{name}", with: name)
            .replacingOccurrences(of: "{minutes}", with: String(minutes))
    }

    private struct Template: Sendable {
        let sms: String
        let emailSubject: String
        let emailBody: String
        let voiceIntro: String
        let voiceAgain: String
        let voicePressOne: String
        let voiceLanguage: String
    }

    private static let templates: [String: Template] = [
        "en": Template(
            sms: "Your {name} verification code is: {code}", emailSubject: "Your {name} verification code",
            emailBody: "Your {name} verification code is: {code}\n\nIt expires in {minutes} minutes. If you did not ask for it, ignore this message.",
            voiceIntro: "Your {name} verification code is", voiceAgain: "Again, your code is", voicePressOne: "Press 1 to hear it again.",
            voiceLanguage: "en"),
        "fr": Template(
            sms: "Votre code de vérification {name} est : {code}", emailSubject: "Votre code de vérification {name}",
            emailBody: "Votre code de vérification {name} est : {code}\n\nIl expire dans {minutes} minutes. Si vous ne l'avez pas demandé, ignorez ce message.",
            voiceIntro: "Votre code de vérification {name} est", voiceAgain: "Je répète, votre code est",
            voicePressOne: "Appuyez sur 1 pour l'entendre à nouveau.", voiceLanguage: "fr-be"),
        "nl": Template(
            sms: "Uw {name} verificatiecode is: {code}", emailSubject: "Uw {name} verificatiecode",
            emailBody: "Uw {name} verificatiecode is: {code}\n\nDe code vervalt na {minutes} minuten. Hebt u hem niet gevraagd, negeer dan dit bericht.",
            voiceIntro: "Uw {name} verificatiecode is", voiceAgain: "Ik herhaal, uw code is", voicePressOne: "Druk op 1 om hem opnieuw te horen.",
            voiceLanguage: "nl-be"),
        "de": Template(
            sms: "Ihr {name} Bestätigungscode lautet: {code}", emailSubject: "Ihr {name} Bestätigungscode",
            emailBody: "Ihr {name} Bestätigungscode lautet: {code}\n\nEr läuft in {minutes} Minuten ab. Falls Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht.",
            voiceIntro: "Ihr {name} Bestätigungscode lautet", voiceAgain: "Ich wiederhole, Ihr Code lautet",
            voicePressOne: "Drücken Sie 1, um ihn noch einmal zu hören.", voiceLanguage: "de-be"),
    ]
}
