import Foundation

/// A DTMF key carried by SIP INFO: `application/dtmf-relay` (`Signal=5` and `Duration=160`
/// lines, the Cisco/Asterisk form) or `application/dtmf` (the key alone).
public struct InfoDTMF: Sendable, Equatable {
    public let digit: Character
    /// How long the key was held, in milliseconds (250 when the sender did not say).
    public let durationMilliseconds: Int

    public static let contentTypes = ["application/dtmf-relay", "application/dtmf"]
    static let keys: Set<Character> = Set("0123456789*#ABCD")

    public init?(contentType: String, body: String) {
        let type = contentType.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
        var signal: String?
        var duration = 250
        switch type {
        case "application/dtmf":
            signal = body.trimmingCharacters(in: .whitespacesAndNewlines)
        case "application/dtmf-relay":
            for line in body.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                switch parts[0].lowercased() {
                case "signal": signal = parts[1]
                case "duration": duration = Int(parts[1]) ?? duration
                default: continue
                }
            }
        default:
            return nil
        }
        guard let signal else { return nil }
        // Some phones send events by number (RFC 4733 codes: 10 is *, 11 is #).
        let key: Character? =
            switch signal.uppercased() {
            case "10": "*"
            case "11": "#"
            case let text where text.count == 1: text.first
            default: nil
            }
        guard let key, Self.keys.contains(key), (1...60_000).contains(duration) else { return nil }
        self.digit = key
        self.durationMilliseconds = duration
    }
}
