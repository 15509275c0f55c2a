import Foundation
import Store

/// `parley backup` and `parley restore`: a data directory copied consistently while Parley
/// runs, and put back into an empty one. A backup holds the database (SQLite's online backup:
/// one snapshot), the token-sealing key (without it, the auth tokens sealed in the database
/// for signing webhooks cannot be opened) and the recordings (copied after the snapshot, so
/// every recording it knows is there).
public struct DataDirectoryBackup: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case destinationNotEmpty(String)
        case notABackup(String)
        case dataDirectoryInUse(String)
        case noDatabase(String)

        public var description: String {
            switch self {
            case .destinationNotEmpty(let path): "\(path) is not empty: a backup goes into a new or empty directory"
            case .notABackup(let path): "\(path) holds no Parley backup (parley.sqlite and token-seal.key)"
            case .dataDirectoryInUse(let path): "\(path) already holds a database: restore into a new or empty data directory"
            case .noDatabase(let path): "\(path) holds no Parley database to back up"
            }
        }
    }

    /// What a backup or a restore copied.
    public struct Summary: Sendable {
        public var recordings = 0
        public var bytes: Int64 = 0
    }

    let data: DataDirectory

    public init(data: DataDirectory) {
        self.data = data
    }

    public func backup(to destination: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: data.databasePath) else { throw Failure.noDatabase(data.path) }
        try Self.requireEmpty(destination, else: .destinationNotEmpty(destination))
        let target = DataDirectory(path: destination)
        try target.prepare()
        try SQLiteStore.copy(from: data.databasePath, to: target.databasePath)
        var summary = Summary()
        summary.bytes += try Self.size(of: target.databasePath)
        let key = data.tokenSealerKeyPath
        if FileManager.default.fileExists(atPath: key) {
            try FileManager.default.copyItem(atPath: key, toPath: target.tokenSealerKeyPath)
        }
        try copyRecordings(from: data, to: target, into: &summary)
        return summary
    }

    /// Fills this (new or empty) data directory from the backup in `source`.
    public func restore(from source: String) throws -> Summary {
        let backup = DataDirectory(path: source)
        for file in [backup.databasePath, backup.tokenSealerKeyPath] where !FileManager.default.fileExists(atPath: file) {
            throw Failure.notABackup(source)
        }
        if FileManager.default.fileExists(atPath: data.databasePath) { throw Failure.dataDirectoryInUse(data.path) }
        try data.prepare()
        // Through SQLite again, so the copy is whole even if the backup was opened since.
        try SQLiteStore.copy(from: backup.databasePath, to: data.databasePath)
        try FileManager.default.copyItem(atPath: backup.tokenSealerKeyPath, toPath: data.tokenSealerKeyPath)
        var summary = Summary()
        summary.bytes += try Self.size(of: data.databasePath)
        try copyRecordings(from: backup, to: data, into: &summary)
        try data.prepare()
        return summary
    }

    private func copyRecordings(from source: DataDirectory, to target: DataDirectory, into summary: inout Summary) throws {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: source.recordingsPath) else { return }
        while let relative = walker.nextObject() as? String {
            let from = (source.recordingsPath as NSString).appendingPathComponent(relative)
            let to = (target.recordingsPath as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: from, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try manager.createDirectory(atPath: to, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } else {
                try manager.createDirectory(
                    atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try manager.copyItem(atPath: from, toPath: to)
                summary.recordings += 1
                summary.bytes += try Self.size(of: to)
            }
        }
    }

    private static func requireEmpty(_ path: String, else failure: Failure) throws {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        guard entries.isEmpty else { throw failure }
    }

    private static func size(of path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }
}
