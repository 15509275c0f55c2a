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

    /// The key that seals auth tokens in the database (made on first use, mode 0600).
    public var tokenSealerKeyPath: String { (path as NSString).appendingPathComponent("token-seal.key") }

    /// The sealer of auth tokens, its key in `token-seal.key`.
    public func tokenSealer() throws -> TokenSealer {
        try TokenSealer(keyFile: tokenSealerKeyPath)
    }

    /// Why the directory cannot be used.
    public enum PermissionError: Error, CustomStringConvertible {
        case notOwned(path: String)
        case cannotRestrict(path: String)

        public var description: String {
            switch self {
            case .notOwned(let path): "\(path) belongs to another user; Parley keeps its secrets only in a directory of its own"
            case .cannotRestrict(let path): "the permissions of \(path) cannot be restricted to its owner"
            }
        }
    }

    /// Creates the directory with mode 0700 if it does not exist yet, then checks it at every
    /// start: it and everything in it (the database, the token sealing key, recordings) must
    /// belong to this user, and whatever others could read or write is restricted to 0700
    /// (directories) or 0600 (files). Returns the paths it restricted; throws when something
    /// belongs to someone else or cannot be restricted.
    /// Sets the process's umask to 077 too, so every file Parley makes from then on (SQLite's
    /// journal, recordings) is private from the start.
    @discardableResult
    public func prepare() throws -> [String] {
        umask(0o077)
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        var restricted: [String] = []
        try restrict(path, isDirectory: true, into: &restricted)
        guard let walker = FileManager.default.enumerator(atPath: path) else { return restricted }
        while let relative = walker.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            try restrict(full, isDirectory: isDirectory.boolValue, into: &restricted)
        }
        return restricted
    }

    private func restrict(_ file: String, isDirectory: Bool, into restricted: inout [String]) throws {
        var info = stat()
        guard lstat(file, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { return }
        guard info.st_uid == geteuid() else { throw PermissionError.notOwned(path: file) }
        guard info.st_mode & 0o077 != 0 else { return }
        guard chmod(file, isDirectory ? 0o700 : 0o600) == 0 else { throw PermissionError.cannotRestrict(path: file) }
        restricted.append(file)
    }
}
