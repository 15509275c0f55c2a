import Foundation
import Testing

@testable import SMTP

@Suite("SMTP replies and messages")
struct SMTPTests {
    @Test("a multi-line reply is gathered until its last line; RFC 5321's EHLO example")
    func multiline() throws {
        var reader = SMTPReply.Reader()
        #expect(try reader.add("250-foo.com greets bar.com") == nil)
        #expect(try reader.add("250-8BITMIME") == nil)
        #expect(try reader.add("250-STARTTLS") == nil)
        let reply = try #require(try reader.add("250 HELP"))
        #expect(reply.code == 250 && reply.lines == ["foo.com greets bar.com", "8BITMIME", "STARTTLS", "HELP"])
        let single = try #require(try reader.add("451 4.3.0 try later"))
        #expect(single.isTransient && !single.isPositive && single.lines == ["4.3.0 try later"])
        #expect(try reader.add("220") == SMTPReply(code: 220, lines: [""]))
    }

    @Test("lines that are not replies are refused", arguments: ["hello", "25 short", "2500 no", "250_x", "999 out of range"])
    func malformed(line: String) {
        var reader = SMTPReply.Reader()
        #expect(throws: SMTPError.self) { try reader.add(line) }
    }

    @Test("a reply whose lines change code midway is refused")
    func mixedCodes() throws {
        var reader = SMTPReply.Reader()
        _ = try reader.add("250-first")
        #expect(throws: SMTPError.self) { try reader.add("251 second") }
    }

    @Test("the message: headers, a UTF-8 subject as encoded words, the body in base64, Bcc kept out of the text")
    func rendering() throws {
        let message = MailMessage(
            from: "noreply@parley.example", to: ["a@example.com", "b@example.com"], cc: ["c@example.com"], bcc: ["secret@example.com"],
            subject: "Votre code: 1234 — merci", body: "Bonjour,\n.\nvotre code est 1234", isHTML: false, replyTo: "shop@example.com")
        let text = message.rendered(date: Date(timeIntervalSince1970: 1_796_601_600), messageID: "EMabc@parley")
        let (head, body) = try #require(text.split(separator: "\r\n\r\n", maxSplits: 1).map(String.init).splitPair())
        #expect(head.contains("From: noreply@parley.example\r\nTo: a@example.com, b@example.com\r\nCc: c@example.com\r\nReply-To: shop@example.com"))
        #expect(!text.contains("secret@example.com"))
        #expect(message.recipients == ["a@example.com", "b@example.com", "c@example.com", "secret@example.com"])
        #expect(head.contains("Subject: =?UTF-8?B?") && !head.contains("—"))
        #expect(head.contains("Date: Mon, 07 Dec 2026 00:00:00 +0000") && head.contains("Message-ID: <EMabc@parley>"))
        #expect(head.contains("Content-Type: text/plain; charset=UTF-8") && head.contains("Content-Transfer-Encoding: base64"))
        let decoded = try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")))
        #expect(String(decoding: decoded, as: UTF8.self) == "Bonjour,\n.\nvotre code est 1234")
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 998 })
    }

    @Test("a line break in a subject cannot add a header")
    func headerInjection() {
        let text = MailMessage(from: "a@b.example", to: ["c@d.example"], subject: "hi\r\nBcc: victim@example.com", body: "x")
            .rendered(date: Date(), messageID: "x@y")
        #expect(!text.contains("Bcc:"))
    }

    @Test("addresses: a plain mailbox passes; names, brackets, spaces and line breaks do not", arguments: [
        ("user@example.com", true), ("first.last+tag@sub.example.be", true), ("user@localhost", false), ("user", false),
        ("a@b@c.com", false), ("<user@example.com>", false), ("user name@example.com", false), ("user@example.com\r\nRCPT TO:<x@y.z>", false),
        ("@example.com", false), ("user@.example.com", false),
    ])
    func addresses(address: String, valid: Bool) {
        #expect(MailMessage.isValidAddress(address) == valid)
    }
}

extension Array where Element == String {
    fileprivate func splitPair() -> (String, String)? { count == 2 ? (self[0], self[1]) : nil }
}
