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
        let write = AccountObjectWrite(kind: .connection, command: Self.configuration.name, yes: yes, session: session)
        let (account, definition) = try write.checkedDefinition(self.definition) { definition in
            guard definition["config"] == nil, let details = definition["details"] else { return definition }
            return definition.setting("config", to: details)
        }
        let name = definition["name"]?.stringValue ?? ""
        let adapter = definition["adapter_version"]?.stringValue ?? ""
        return try await write.create(asking: "create connection '\(name)' (\(adapter))?", output: output) {
            try await session.api().createConnection(accountID: account, definition: definition)
        }
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
        let write = AccountObjectWrite(kind: .connection, command: Self.configuration.name, yes: yes, session: session)
        let (account, pending) = try write.checkedChanges(definition)
        let entry = try await EntityResolver(session: session).connection(connectionRef)
        let client = try session.api()
        let live = try await client.connection(accountID: account, id: entry.id)
        return try await write.update(live, with: pending, output: output) { changes in
            try await client.updateConnection(accountID: account, id: live.id, changes: changes)
        }
    }
}

struct ConnectionDeleteCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "connection delete", summary: "delete a warehouse connection (asks; --yes in scripts)", mutates: true,
        examples: ["connection delete 302", "connection delete 'Finance warehouse' --yes"])
    @Argument("CONNECTION", help: "connection id or name (see 'connections')") var connectionRef: String
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool

    func run(in session: Session) async throws -> Int32 {
        let write = AccountObjectWrite(kind: .connection, command: Self.configuration.name, yes: yes, session: session)
        let account = try write.checkedAccount()
        let entry = try await EntityResolver(session: session).connection(connectionRef)
        return try await write.delete(entry) {
            _ = try await session.api().deleteConnection(accountID: account, id: entry.id)
        }
    }
}
