/// What a one-time password says, per locale (en, fr, nl, de): the SMS, the e-mail and the
/// words the voice call speaks around the digits.
struct VerificationTexts: Sendable {
    let sms: String
    let emailSubject: String
    let emailBody: String
    let voiceIntro: String
    let voiceAgain: String
    let voicePressOne: String
    /// espeak-ng's language for the voice call.
    let voiceLanguage: String

    static let locales = ["en", "fr", "nl", "de"]

    /// `{code}`, `{name}` and `{minutes}` (the code's lifetime) filled in.
    static func texts(locale: String, code: String, name: String, minutes: Int) -> VerificationTexts {
        func fill(_ template: String) -> String {
            template.replacing("{code}", with: code).replacing("{name}", with: name).replacing("{minutes}", with: String(minutes))
        }
        let template = templates[locale] ?? templates["en"]!
        return VerificationTexts(
            sms: fill(template.sms), emailSubject: fill(template.emailSubject), emailBody: fill(template.emailBody),
            voiceIntro: fill(template.voiceIntro), voiceAgain: fill(template.voiceAgain), voicePressOne: fill(template.voicePressOne),
            voiceLanguage: template.voiceLanguage)
    }

    private static let templates: [String: VerificationTexts] = [
        "en": VerificationTexts(
            sms: "Your {name} verification code is: {code}", emailSubject: "Your {name} verification code",
            emailBody: "Your {name} verification code is: {code}\n\nIt expires in {minutes} minutes. If you did not ask for it, ignore this message.",
            voiceIntro: "Your {name} verification code is", voiceAgain: "Again, your code is", voicePressOne: "Press 1 to hear it again.",
            voiceLanguage: "en"),
        "fr": VerificationTexts(
            sms: "Votre code de vérification {name} est : {code}", emailSubject: "Votre code de vérification {name}",
            emailBody: "Votre code de vérification {name} est : {code}\n\nIl expire dans {minutes} minutes. Si vous ne l'avez pas demandé, ignorez ce message.",
            voiceIntro: "Votre code de vérification {name} est", voiceAgain: "Je répète, votre code est",
            voicePressOne: "Appuyez sur 1 pour l'entendre à nouveau.", voiceLanguage: "fr-be"),
        "nl": VerificationTexts(
            sms: "Uw {name} verificatiecode is: {code}", emailSubject: "Uw {name} verificatiecode",
            emailBody: "Uw {name} verificatiecode is: {code}\n\nDe code vervalt na {minutes} minuten. Hebt u hem niet gevraagd, negeer dan dit bericht.",
            voiceIntro: "Uw {name} verificatiecode is", voiceAgain: "Ik herhaal, uw code is", voicePressOne: "Druk op 1 om hem opnieuw te horen.",
            voiceLanguage: "nl-be"),
        "de": VerificationTexts(
            sms: "Ihr {name} Bestätigungscode lautet: {code}", emailSubject: "Ihr {name} Bestätigungscode",
            emailBody: "Ihr {name} Bestätigungscode lautet: {code}\n\nEr läuft in {minutes} Minuten ab. Falls Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht.",
            voiceIntro: "Ihr {name} Bestätigungscode lautet", voiceAgain: "Ich wiederhole, Ihr Code lautet",
            voicePressOne: "Drücken Sie 1, um ihn noch einmal zu hören.", voiceLanguage: "de-be"),
    ]
}
