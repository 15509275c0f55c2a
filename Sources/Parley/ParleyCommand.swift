import ArgumentParser

/// The `parley` executable: `parley serve` runs the platform, `parley accounts` manages
/// accounts in a data directory for the operator.
/// The release, raised with each tagged version.
let parleyVersion = "0.9.0"

@main
struct ParleyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley, a programmable voice platform.",
        version: "Parley \(parleyVersion) (commit \(buildCommit))",
        subcommands: [ServeCommand.self, AccountsCommand.self, UsersCommand.self, CallsCommand.self, RegistrationsCommand.self, BackupCommand.self, RestoreCommand.self],
        defaultSubcommand: ServeCommand.self)
}
