/// One `m=` section with its connection and attributes.
public struct MediaDescription: Sendable, Equatable {
    public var type: String
    public var port: Int
    /// `RTP/AVP`, or `RTP/SAVP` for SRTP.
    public var transport: String
    /// Payload type numbers, in the offerer's order of preference.
    public var formats: [String]
    public var connection: SessionDescription.Connection?
    public var attributes: [Attribute]

    /// `a=name` or `a=name:value`.
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String?

        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }

        init(_ text: Substring) {
            if let colon = text.firstIndex(of: ":") {
                name = String(text[..<colon])
                value = String(text[text.index(after: colon)...])
            } else {
                name = String(text)
                value = nil
            }
        }

        var text: String { value.map { "\(name):\($0)" } ?? name }
    }

    public init(
        type: String, port: Int, transport: String, formats: [String],
        connection: SessionDescription.Connection? = nil, attributes: [Attribute] = []
    ) {
        self.type = type
        self.port = port
        self.transport = transport
        self.formats = formats
        self.connection = connection
        self.attributes = attributes
    }

    init(mLine: Substring) throws(SDPError) {
        let parts = mLine.split(separator: " ")
        guard parts.count >= 4, let port = Int(parts[1].split(separator: "/")[0]), (0...65535).contains(port) else {
            throw .malformed("invalid m= line")
        }
        self.init(type: String(parts[0]), port: port, transport: String(parts[2]), formats: parts[3...].map(String.init))
    }

    /// `a=rtpmap` entries: payload type → (encoding name, clock rate, channels).
    public var rtpmaps: [String: (name: String, rate: Int, channels: Int)] {
        var maps: [String: (String, Int, Int)] = [:]
        for attribute in attributes where attribute.name == "rtpmap" {
            guard let value = attribute.value, let space = value.firstIndex(of: " ") else { continue }
            let encoding = value[value.index(after: space)...].split(separator: "/")
            guard encoding.count >= 2, let rate = Int(encoding[1]) else { continue }
            maps[String(value[..<space])] = (String(encoding[0]), rate, encoding.count > 2 ? Int(encoding[2]) ?? 1 : 1)
        }
        return maps
    }

    /// sendrecv unless an attribute says otherwise.
    public var direction: MediaDirection {
        attributes.lazy.compactMap { MediaDirection(rawValue: $0.name) }.first ?? .sendrecv
    }
}

public enum MediaDirection: String, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The direction an answer gives to an offer with this one (RFC 3264 §6.1).
    public var answer: MediaDirection {
        switch self {
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        default: self
        }
    }
}
