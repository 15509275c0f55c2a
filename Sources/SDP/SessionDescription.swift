/// An SDP session description (RFC 4566): the origin, connection and media lines Parley needs
/// for offer/answer; other lines are kept as attributes so nothing is lost when echoed.
public struct SessionDescription: Sendable, Equatable {
    public var origin: Origin
    public var sessionName: String
    public var connection: Connection?
    public var media: [MediaDescription]

    public struct Origin: Sendable, Equatable {
        public var username: String
        public var sessionID: String
        public var sessionVersion: UInt64
        public var address: Connection

        public init(username: String = "-", sessionID: String, sessionVersion: UInt64, address: Connection) {
            self.username = username
            self.sessionID = sessionID
            self.sessionVersion = sessionVersion
            self.address = address
        }
    }

    /// `c=IN IP4 192.0.2.1` (or IP6).
    public struct Connection: Sendable, Equatable {
        public var addressType: String
        public var address: String

        public init(address: String) {
            self.addressType = address.contains(":") ? "IP6" : "IP4"
            self.address = address
        }

        init?(_ text: Substring) {
            let parts = text.split(separator: " ")
            guard parts.count >= 3, parts[0] == "IN", parts[1] == "IP4" || parts[1] == "IP6" else { return nil }
            addressType = String(parts[1])
            address = String(parts[2].split(separator: "/").first ?? parts[2])
        }

        var line: String { "IN \(addressType) \(address)" }
    }

    public init(origin: Origin, sessionName: String = "Parley", connection: Connection?, media: [MediaDescription]) {
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.media = media
    }

    /// Parses SDP text; lines may end in CRLF or LF.
    public init(parsing text: String) throws(SDPError) {
        var origin: Origin?
        var sessionName: String?
        var connection: Connection?
        var media: [MediaDescription] = []
        var sawVersion = false
        for rawLine in text.unicodeScalars.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = Substring(String(String.UnicodeScalarView(rawLine)))
            guard line.count >= 2, let type = line.first, line.dropFirst().first == "=" else {
                throw .malformed("line '\(line.prefix(30))' is not type=value")
            }
            let value = line.dropFirst(2)
            switch type {
            case "v":
                guard value == "0" else { throw .malformed("unsupported SDP version \(value)") }
                sawVersion = true
            case "o":
                let parts = value.split(separator: " ")
                guard parts.count == 6, let version = UInt64(parts[2]),
                    let address = Connection(parts[3...].joined(separator: " ")[...])
                else { throw .malformed("invalid o= line") }
                origin = Origin(username: String(parts[0]), sessionID: String(parts[1]), sessionVersion: version, address: address)
            case "s":
                sessionName = String(value)
            case "c":
                guard let parsed = Connection(value) else { throw .malformed("invalid c= line") }
                if media.isEmpty { connection = parsed } else { media[media.count - 1].connection = parsed }
            case "m":
                media.append(try MediaDescription(mLine: value))
            case "a":
                if !media.isEmpty { media[media.count - 1].attributes.append(MediaDescription.Attribute(value)) }
            default:
                continue
            }
        }
        guard sawVersion else { throw .malformed("missing v= line") }
        guard let origin else { throw .malformed("missing o= line") }
        guard let sessionName else { throw .malformed("missing s= line") }
        for entry in media where entry.connection == nil && connection == nil {
            throw .malformed("media \(entry.type) has no connection address")
        }
        self.init(origin: origin, sessionName: sessionName, connection: connection, media: media)
    }

    /// The SDP text, CRLF line ends.
    public var text: String {
        var lines = [
            "v=0",
            "o=\(origin.username) \(origin.sessionID) \(origin.sessionVersion) \(origin.address.line)",
            "s=\(sessionName.isEmpty ? "-" : sessionName)",
        ]
        if let connection { lines.append("c=\(connection.line)") }
        lines.append("t=0 0")
        for entry in media {
            lines.append("m=\(entry.type) \(entry.port) \(entry.transport) \(entry.formats.joined(separator: " "))")
            if let connection = entry.connection { lines.append("c=\(connection.line)") }
            for attribute in entry.attributes { lines.append("a=\(attribute.text)") }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// Why text is not usable SDP; the reason fits a SIP 488 reason phrase.
public enum SDPError: Error, Equatable, Sendable {
    case malformed(String)
    /// No media line offers a codec Parley supports.
    case noCommonCodec
}
