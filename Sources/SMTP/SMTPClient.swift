import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Hands e-mail to one relay over SMTP (RFC 5321), a connection per message: EHLO, STARTTLS
/// (RFC 3207) when the server offers it (required when credentials are configured, so a
/// password never crosses in clear), AUTH PLAIN or LOGIN (RFC 4954), MAIL FROM, one RCPT TO per
/// recipient, DATA, QUIT. The whole exchange has one deadline.
public struct SMTPClient: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        /// How the server's certificate is checked after STARTTLS.
        public var tls: TLSConfiguration
        /// The name Parley gives in EHLO.
        public var clientName: String
        public var timeout: Duration

        public init(
            host: String, port: Int, username: String? = nil, password: String? = nil, tls: TLSConfiguration = .makeClientConfiguration(),
            clientName: String = "parley.localdomain", timeout: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.tls = tls
            self.clientName = clientName
            self.timeout = timeout
        }
    }

    private let configuration: Configuration
    private let group: any EventLoopGroup

    public init(configuration: Configuration, group: any EventLoopGroup) {
        self.configuration = configuration
        self.group = group
    }

    /// Sends `message`; returns the server's answer to the end of DATA (its queue id, usually).
    public func send(_ message: MailMessage, messageID: String, date: Date) async throws(SMTPError) -> SMTPReply {
        let bridge = SMTPInboundBridge()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        try channel.pipeline.syncOperations.addHandler(bridge)
                    }
                }
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw .connection("\(configuration.host):\(configuration.port): \(error)")
        }
        // One deadline for the whole exchange: closing the channel ends the line stream.
        let deadline = Task { [timeout = configuration.timeout] in
            try await Task.sleep(for: timeout)
            channel.close(promise: nil)
        }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        var session = Session(channel: channel, lines: bridge.lines.makeAsyncIterator())
        return try await session.run(message, messageID: messageID, date: date, configuration: configuration)
    }

    /// One conversation, step by step.
    private struct Session {
        let channel: any Channel
        var lines: AsyncStream<String>.AsyncIterator

        mutating func run(_ message: MailMessage, messageID: String, date: Date, configuration: Configuration) async throws(SMTPError)
            -> SMTPReply
        {
            try expect(await reply(), 220, step: "greeting")
            var extensions = try await hello(configuration.clientName)
            let secure: Bool
            if extensions.contains(where: { $0.uppercased() == "STARTTLS" }) {
                try await command("STARTTLS", expecting: 220)
                do {
                    let context = try NIOSSLContext(configuration: configuration.tls)
                    let name = Self.isAddress(configuration.host) ? nil : configuration.host
                    try await channel.eventLoop.submit { [channel] in
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: name), position: .first)
                    }.get()
                } catch {
                    throw .connection("TLS: \(error)")
                }
                extensions = try await hello(configuration.clientName)
                secure = true
            } else {
                secure = false
            }
            if let username = configuration.username, let password = configuration.password {
                guard secure else { throw .unsupported("the server offers no STARTTLS: Parley does not send its SMTP password in clear") }
                try await authenticate(username: username, password: password, extensions: extensions)
            }
            try await command("MAIL FROM:<\(message.from)>", expecting: 250)
            for recipient in message.recipients { try await command("RCPT TO:<\(recipient)>", expecting: 250) }
            try await command("DATA", expecting: 354)
            let text = message.rendered(date: date, messageID: messageID)
            // Dot-stuffing (RFC 5321 §4.5.2): a line starting with a dot gets another.
            let stuffed = text.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            write(stuffed + ".\r\n")
            let accepted = try await reply()
            try expect(accepted, 250, step: "DATA")
            write("QUIT\r\n")
            return accepted
        }

        /// EHLO; returns the extensions the server lists (the lines after its greeting).
        mutating func hello(_ name: String) async throws(SMTPError) -> [String] {
            write("EHLO \(name)\r\n")
            let answer = try await reply()
            try expect(answer, 250, step: "EHLO")
            return Array(answer.lines.dropFirst())
        }

        mutating func authenticate(username: String, password: String, extensions: [String]) async throws(SMTPError) {
            let mechanisms = extensions.first { $0.uppercased().hasPrefix("AUTH") }
                .map { $0.uppercased().split(separator: " ").dropFirst().map(String.init) } ?? []
            func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
            if mechanisms.contains("PLAIN") {
                try await command("AUTH PLAIN " + base64("\0\(username)\0\(password)"), expecting: 235, step: "AUTH PLAIN")
            } else if mechanisms.contains("LOGIN") {
                try await command("AUTH LOGIN", expecting: 334)
                try await command(base64(username), expecting: 334, step: "AUTH LOGIN user name")
                try await command(base64(password), expecting: 235, step: "AUTH LOGIN password")
            } else {
                throw .unsupported("the server offers neither AUTH PLAIN nor AUTH LOGIN")
            }
        }

        mutating func command(_ line: String, expecting code: Int, step: String? = nil) async throws(SMTPError) {
            write(line + "\r\n")
            try expect(await reply(), code, step: step ?? String(line.prefix { $0 != ":" && $0 != "<" }))
        }

        func expect(_ reply: SMTPReply, _ code: Int, step: String) throws(SMTPError) {
            guard reply.code == code else { throw .refused(step: step, reply: reply) }
        }

        mutating func reply() async throws(SMTPError) -> SMTPReply {
            var reader = SMTPReply.Reader()
            while let line = await lines.next() {
                if let reply = try reader.add(line) { return reply }
            }
            throw .connection("the server closed the connection")
        }

        func write(_ text: String) {
            channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
        }

        static func isAddress(_ host: String) -> Bool {
            host.contains(":") || host.split(separator: ".").allSatisfy { Int($0) != nil }
        }
    }
}
