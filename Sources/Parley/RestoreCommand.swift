import ArgumentParser
import ParleyServer

/// `parley restore --from DIR`: a backup put into a new or empty data directory.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Fill a new or empty data directory from a backup made by `parley backup`.")
    @OptionGroup var location: AccountsCommand.Location
    @Option(help: "The directory `parley backup` wrote.")
    var from: String

    func run() async throws {
        do {
            let summary = try DataDirectoryBackup(data: location.directory).restore(from: from)
            print("restored \(from) into \(location.directory.path): \(summary.recordings) recording files, \(summary.bytes) bytes")
        } catch let failure as DataDirectoryBackup.Failure {
            throw ValidationError(failure.description)
        }
    }
}
