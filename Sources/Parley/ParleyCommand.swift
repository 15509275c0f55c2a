import ArgumentParser

/// The `parley` executable: `parley serve` runs the platform, `parley accounts` manages
/// accounts in a data directory for the operator.
@main
struct ParleyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley, a programmable voice platform.",
        subcommands: [ServeCommand.self, AccountsCommand.self],
        defaultSubcommand: ServeCommand.self)
}
