import Crypto
import Foundation

/// How Parley keeps secrets at rest: never in clear.
///
/// Auth tokens are 128-bit random values, so a single SHA-256 is enough (no dictionary to try);
/// SIP client passwords are kept only as RFC 7616 HA1 values (`H(login:realm:password)`) in MD5
/// and SHA-256, which is exactly what digest authentication needs.
public enum SecretHash {
    /// The stored form of an auth token or API secret.
    public static func token(_ token: String) -> String {
        hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// Compares a presented secret with a stored hash in time independent of where they differ.
    public static func matches(_ presented: String, storedHash: String) -> Bool {
        constantTimeEquals(token(presented), storedHash)
    }

    public static func ha1MD5(login: String, realm: String, password: String) -> String {
        hex(Insecure.MD5.hash(data: Data("\(login):\(realm):\(password)".utf8)))
    }

    public static func ha1SHA256(login: String, realm: String, password: String) -> String {
        hex(SHA256.hash(data: Data("\(login):\(realm):\(password)".utf8)))
    }

    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    /// Lowercase hex of bytes (a digest or a MAC).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for byte in bytes {
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
