import ArgumentParser
import Foundation
import LineEditor
import Shell

struct DbtshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbtsh",
        abstract: "A shell for dbt Cloud: sessions, runs, logs, artifacts and failures.",
        discussion: """
        Interactive when stdin and stdout are terminals; otherwise reads commands from stdin.
        Credentials: --host/--account/--profile, then DBT_CLOUD_API_TOKEN, DBT_CLOUD_ACCOUNT_ID,
        DBT_CLOUD_HOST…, then the profiles file, then ./dbt_project.yml's dbt-cloud: project-id,
        then ~/.dbt/dbt_cloud.yml.
        A script stops at its first failing command and exits with its code.

        """ + "\n" + Shell.ExitCode.summary(width: 76),
        version: DbtshVersion.current
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("Run these commands, then exit.", valueName: "commands"))
    var commands: String?

    @Argument(help: ArgumentHelp("A script file of dbtsh commands.", valueName: "file"), completion: .file())
    var scriptFile: String?

    @Flag(help: "Run against the built-in sandbox: a local dbt Cloud with a demo account.")
    var demo = false

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Output format: table or json.", valueName: "format"))
    var output: OutputFormat?

    @Flag(help: "Never colour the output (also NO_COLOR).")
    var noColor = false

    @Flag(help: "Trace HTTP requests on stderr (the token is redacted).")
    var verbose = false

    @Flag(help: "Refuse every command that would change dbt Cloud (also DBT_CLOUD_READONLY=1).")
    var readonly = false

    mutating func run() throws {
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
