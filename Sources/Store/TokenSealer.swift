import Crypto
import Foundation

/// Keeps auth tokens recoverable for one purpose only: signing webhook requests, whose
/// `X-Twilio-Signature` is an HMAC keyed with the account's auth token itself. Tokens are
/// sealed with AES-GCM under a key kept in its own file in the data directory (mode 0600), so
/// the database alone reveals no token; authentication still checks the SHA-256 hash.
public struct TokenSealer: Sendable {
    private let key: SymmetricKey

    /// Loads the key from `keyFile`, creating it (32 random bytes, mode 0600) on first use.
    public init(keyFile: String) throws {
        if let data = FileManager.default.contents(atPath: keyFile) {
            guard data.count == 32 else { throw StoreError.corrupt("\(keyFile) is not a 256-bit key") }
            key = SymmetricKey(data: data)
            return
        }
        let fresh = SymmetricKey(size: .bits256)
        let data = fresh.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: keyFile, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.corrupt("cannot create \(keyFile)")
        }
        key = fresh
    }

    /// A key that lives only in memory: for tests.
    public init() {
        key = SymmetricKey(size: .bits256)
    }

    public func seal(_ token: String) -> String {
        // AES-GCM only fails for invalid nonces or keys, and both come from this type.
        (try? AES.GCM.seal(Data(token.utf8), using: key).combined?.base64EncodedString()) ?? ""
    }

    /// The token, or nil when `sealed` was not made with this key.
    public func open(_ sealed: String) -> String? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key)
        else { return nil }
        return String(data: plain, encoding: .utf8)
    }
}
