import ArgumentParser
import ParleyServer

/// `parley backup --to DIR`: a consistent copy of a data directory, also while Parley runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database (one consistent snapshot), the token-sealing key and the recordings into a new directory.")
    @OptionGroup var location: AccountsCommand.Location
    @Option(help: "A new or empty directory for the backup.")
    var to: String

    func run() async throws {
        do {
            let summary = try DataDirectoryBackup(data: location.directory).backup(to: to)
            print("backed up \(location.directory.path) to \(to): the database, the token-sealing key and \(summary.recordings) recording files, \(summary.bytes) bytes")
        } catch let failure as DataDirectoryBackup.Failure {
            throw ValidationError(failure.description)
        }
    }
}
