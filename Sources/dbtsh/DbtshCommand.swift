import ArgumentParser
import Foundation
import LineEditor
import Shell

struct DbtshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbtsh",
        abstract: "A shell for dbt Cloud: sessions, runs, logs, artifacts and failures.",
        discussion: """
        Interactive when stdin and stdout are terminals; otherwise reads commands from stdin. \
        An interactive session first runs $XDG_CONFIG_HOME/dbtsh/rc (default ~/.config/dbtsh/rc).

        Credentials: --host/--account/--profile, then DBT_CLOUD_API_TOKEN, DBT_CLOUD_ACCOUNT_ID, \
        DBT_CLOUD_HOST…, then the profiles file, then ./dbt_project.yml's dbt-cloud: project-id, \
        then ~/.dbt/dbt_cloud.yml; or 'login' in the shell.

        A script stops at its first failing command and exits with its code; 'help language' \
        inside dbtsh describes pipes, redirections, $?, variables and aliases.

        """ + "\n" + Shell.ExitCode.summary(width: 76),
        version: DbtshVersion.current
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("Run these commands, then exit.", valueName: "commands"))
    var commands: String?

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("A script file of dbtsh commands, then its arguments ($1, $2… in the script; with -c, the arguments of the commands).",
                                 valueName: "file [argument…]"),
              completion: .file())
    var script: [String] = []

    /// The script file, unless `-c` gave the commands (then every word is an argument).
    var scriptFile: String? { commands == nil ? script.first : nil }

    /// `$1`, `$2`… of the script or of `-c`'s commands.
    var scriptArguments: [String] { commands == nil ? Array(script.dropFirst()) : script }

    @Flag(help: "Run against the built-in sandbox: a local dbt Cloud with a demo account.")
    var demo = false

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Default output format: table, json, jsonl, csv, tsv or markdown.", valueName: "format"))
    var output: OutputFormat?

    @Flag(help: "Never colour the output (also NO_COLOR).")
    var noColor = false

    @Flag(help: "Trace HTTP requests on stderr (the token is redacted).")
    var verbose = false

    @Flag(help: "Refuse every command that would change dbt Cloud (also DBT_CLOUD_READONLY=1).")
    var readonly = false

    @Flag(help: "Do not run the start-up file ($XDG_CONFIG_HOME/dbtsh/rc) before the first prompt.")
    var norc = false

    @Option(help: ArgumentHelp("Run this start-up file instead (also before a script or -c).", valueName: "file"), completion: .file())
    var rc: String?

    mutating func run() throws {
        // The words after the first argument are the script's, so help and version are caught here.
        switch script.first {
        case "-h", "--help": throw CleanExit.helpRequest(self)
        case "--version": throw CleanExit.message(DbtshVersion.current)
        default: break
        }
        let launch = Launch(options: self, environment: ProcessInfo.processInfo.environment)
        let status = launch.start()
        throw ExitCode(status)
    }
}

struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("dbt Cloud host: cloud.getdbt.com, emea.dbt.com, ab123.us1.dbt.com or a URL.", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("Account id.", valueName: "id"))
    var account: Int?

    @Option(help: ArgumentHelp("Project id.", valueName: "id"))
    var project: Int?

    @Option(help: ArgumentHelp("Profile name in the dbtsh profiles file.", valueName: "name"))
    var profile: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Extra trusted root certificate (PEM).", valueName: "pem"), completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?
}

extension OutputFormat: ExpressibleByArgument {}

enum DbtshVersion {
    static let current = "0.1.0"
}
