import DbtCloud

struct ConnectionShowCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "connection show", aliases: ["connection get"], summary: "one warehouse connection of the account, by id or name",
        examples: ["connection show 300", "connection show 'Analytics warehouse' --json"], rawFields: true)
    @Argument("CONNECTION", help: "connection id or name (see 'connections')") var connectionRef: String
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let entry = try await EntityResolver(session: session).connection(connectionRef)
        let connection = try await session.api().connection(accountID: account, id: entry.id)
        try DataOutput(session, output, command: Self.configuration.name).printRecord(connection.raw) {
            ObjectOutput.print(connection.raw, session: session)
        }
        return 0
    }
}

struct ConnectionCreateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "connection create", summary: "create a warehouse connection from --file and/or --set KEY=VALUE (asks; --yes in scripts)",
        discussion: "Needs name, adapter_version (postgres_v0, snowflake_v0, bigquery_v0, databricks_v0, redshift_v0, …) and config, the adapter's settings. A file exported from the older API may name them details.",
        mutates: true,
        examples: ["connection create --set name='Finance warehouse' --set adapter_version=postgres_v0 --set config.hostname=db.internal --set config.dbname=finance",
                   "connection create --file warehouse.yml --yes"], rawFields: true)
    @OptionGroup var definition: DefinitionOptions
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        var definition = try self.definition.definition(for: command, session: session)
        if definition["config"] == nil, let details = definition["details"] { definition = definition.setting("config", to: details) }
        _ = try AccountObjectKind.connection.createBody(from: definition, accountID: account)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let name = definition["name"]?.stringValue ?? ""
        let adapter = definition["adapter_version"]?.stringValue ?? ""
        guard Confirmation.granted("create connection '\(name)' (\(adapter))?", yes: yes, session: session) else {
            return AccountObjectReport.declined("created", session: session)
        }
        let connection = try await session.api().createConnection(accountID: account, definition: definition)
        try AccountObjectReport.created(.init(kind: .connection, id: connection.id, name: connection.name), raw: connection.raw,
                                        output: output, command: command, session: session)
        return 0
    }
}

struct ConnectionUpdateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "connection update", summary: "change keys of a connection with --set KEY=VALUE or --file (only those keys are sent)",
        discussion: "Shows each change as 'key: old → new' and asks on a terminal; scripts say --yes. config.KEY changes one setting; the others stay.",
        mutates: true, examples: ["connection update 300 --set config.hostname=db2.internal", "connection update 'Analytics warehouse' --set name='Warehouse' --yes"], rawFields: true)
    @Argument("CONNECTION", help: "connection id or name (see 'connections')") var connectionRef: String
    @OptionGroup var definition: DefinitionOptions
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        let changes = try definition.changes(for: command, kind: .connection, session: session)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let entry = try await EntityResolver(session: session).connection(connectionRef)
        let client = try session.api()
        let live = try await client.connection(accountID: account, id: entry.id)
        let target = AccountObjectTarget(kind: .connection, id: live.id, name: live.name)
        guard AccountObjectReport.showChanges(ChangeLines.changes(of: live.raw, to: changes), of: target, session: session) else { return 0 }
        guard Confirmation.granted("update \(target.label)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("updated", session: session)
        }
        let connection = try await client.updateConnection(accountID: account, id: live.id, changes: changes)
        try AccountObjectReport.updated(target, raw: connection.raw, output: output, command: command, session: session)
        return 0
    }
}

struct ConnectionDeleteCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "connection delete", summary: "delete a warehouse connection (asks; --yes in scripts)", mutates: true,
        examples: ["connection delete 302", "connection delete 'Finance warehouse' --yes"])
    @Argument("CONNECTION", help: "connection id or name (see 'connections')") var connectionRef: String
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let entry = try await EntityResolver(session: session).connection(connectionRef)
        let target = AccountObjectTarget(kind: .connection, id: entry.id, name: entry.name)
        guard Confirmation.granted("delete \(target.label)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("deleted", session: session)
        }
        try await session.api().deleteConnection(accountID: account, id: entry.id)
        session.console.errorLine("deleted \(target.label)")
        return 0
    }
}
