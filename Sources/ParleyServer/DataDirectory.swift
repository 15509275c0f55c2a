import Foundation
import Store

/// The directory holding Parley's database (and later recordings and caches), private to the
/// user running Parley.
public struct DataDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var databasePath: String { (path as NSString).appendingPathComponent("parley.sqlite") }

    /// Recordings, one folder per account.
    public var recordingsPath: String { (path as NSString).appendingPathComponent("recordings") }

    /// The sealer of auth tokens, its key in `token-seal.key` (made on first use, mode 0600).
    public func tokenSealer() throws -> TokenSealer {
        try TokenSealer(keyFile: (path as NSString).appendingPathComponent("token-seal.key"))
    }

    /// Creates the directory with mode 0700 if it does not exist yet.
    public func prepare() throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
    }
}
