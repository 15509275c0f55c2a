import Foundation

/// An SDES key line (RFC 4568): `a=crypto:<tag> <suite> inline:<base64 key and salt>[|…]`.
/// Parley takes the two suites every SRTP phone offers.
public struct SDESCrypto: Sendable, Equatable {
    public enum Suite: String, Sendable, CaseIterable {
        case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
        case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"
    }

    public var tag: Int
    public var suite: Suite
    /// 16 bytes of master key, then 14 of master salt.
    public var keyAndSalt: [UInt8]

    public init(tag: Int, suite: Suite, keyAndSalt: [UInt8]) {
        self.tag = tag
        self.suite = suite
        self.keyAndSalt = keyAndSalt
    }

    /// Reads an `a=crypto` value; nil for another suite, a session parameter Parley does not
    /// handle, or a key of the wrong length.
    public init?(attribute value: String) {
        let parts = value.split(separator: " ")
        guard parts.count >= 3, parts.count == 3 || parts[3...].allSatisfy({ $0.isEmpty }), let tag = Int(parts[0]),
            let suite = Suite(rawValue: String(parts[1])), parts[2].hasPrefix("inline:")
        else { return nil }
        let key = parts[2].dropFirst("inline:".count).split(separator: "|", omittingEmptySubsequences: false)
        // A lifetime is fine; an MKI is not (Parley sends none and expects none).
        guard key.count <= 2, let bytes = Data(base64Encoded: String(key[0])), bytes.count == 30 else { return nil }
        self.init(tag: tag, suite: suite, keyAndSalt: [UInt8](bytes))
    }

    /// A fresh key for this side, with the tag and suite of the line it answers.
    public static func answering(_ offer: SDESCrypto) -> SDESCrypto {
        SDESCrypto(tag: offer.tag, suite: offer.suite, keyAndSalt: freshKey())
    }

    /// A fresh key of Parley's own offer: tag 1, the 80-bit tag suite every SRTP phone has.
    public static func offering() -> SDESCrypto {
        SDESCrypto(tag: 1, suite: .aesCM128HMACSHA1_80, keyAndSalt: freshKey())
    }

    private static func freshKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<30).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public var attributeValue: String {
        "\(tag) \(suite.rawValue) inline:\(Data(keyAndSalt).base64EncodedString())"
    }
}

/// The keys of an SRTP stream: ours protects what we send, the far end's what we receive.
public struct SRTPKeys: Sendable, Equatable {
    public var suite: SDESCrypto.Suite
    public var local: [UInt8]
    public var remote: [UInt8]
}
