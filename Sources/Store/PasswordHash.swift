import Crypto
import Foundation
import _CryptoExtras

/// Console passwords at rest: scrypt (RFC 7914) with a random 16-byte salt, in the form
/// `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64), so that a later, higher cost still reads
/// older hashes. The default N = 2^15, r = 8, p = 3 is OWASP's 2024 floor for scrypt (32 MiB).
public struct PasswordHash: Sendable {
    public var logRounds: Int
    public var blockSize: Int
    public var parallelism: Int

    public init(logRounds: Int = 15, blockSize: Int = 8, parallelism: Int = 3) {
        self.logRounds = logRounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// The stored form of `password`.
    public func make(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = try Self.derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return ["scrypt", "\(logRounds)", "\(blockSize)", "\(parallelism)", Data(salt).base64EncodedString(), key.base64EncodedString()]
            .joined(separator: "$")
    }

    /// Whether `password` is the one `stored` was made from (false for a malformed `stored`),
    /// compared in constant time.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "scrypt", let logRounds = Int(fields[1]), (10...20).contains(logRounds),
            let blockSize = Int(fields[2]), (1...32).contains(blockSize), let parallelism = Int(fields[3]), (1...16).contains(parallelism),
            let salt = Data(base64Encoded: String(fields[4])), let expected = Data(base64Encoded: String(fields[5])), expected.count == 32,
            let key = try? derive(password, salt: Array(salt), logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }
}
