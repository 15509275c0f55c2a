import Foundation

/// One e-mail as Parley sends it: the envelope (sender, every recipient, Bcc included) and the
/// RFC 5322 text, UTF-8 throughout (headers in RFC 2047 encoded words, the body in base64), so
/// nothing a tenant writes can add a header or end the DATA early.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    public var subject: String
    public var body: String
    public var isHTML: Bool
    /// Where answers go when they should not go to `from`.
    public var replyTo: String?

    public init(
        from: String, to: [String], cc: [String] = [], bcc: [String] = [], subject: String, body: String, isHTML: Bool = false,
        replyTo: String? = nil
    ) {
        self.replyTo = replyTo
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.body = body
        self.isHTML = isHTML
    }

    /// Every address the server is asked to deliver to.
    public var recipients: [String] { to + cc + bcc }

    /// Whether `address` is a plain `local@domain` mailbox: printable ASCII, one @, no spaces,
    /// no angle brackets or line breaks (what RCPT TO and a header can carry safely).
    public static func isValidAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            address.utf8.count <= 254
        else { return false }
        return address.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
    }

    /// The text after DATA, lines ending in CRLF, without the final dot.
    public func rendered(date: Date, messageID: String) -> String {
        var headers = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
        ]
        if !cc.isEmpty { headers.append("Cc: \(cc.joined(separator: ", "))") }
        if let replyTo { headers.append("Reply-To: \(replyTo)") }
        headers += [
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/\(isHTML ? "html" : "plain"); charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        let encoded = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }

    /// A header value as it may travel: ASCII without line breaks as it is, anything else as
    /// RFC 2047 base64 encoded words of at most 75 characters.
    static func encodedWord(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if Data((chunk + String(character)).utf8).count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// `Mon, 07 Dec 2026 12:00:00 +0000` (RFC 5322 §3.3), in GMT, English names whatever the locale.
    static func rfc5322(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
