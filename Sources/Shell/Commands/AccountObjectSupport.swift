import DbtCloud
import TerminalText

/// `--file` and `--set` of the commands that create or change a project, an environment or a
/// connection.
struct DefinitionOptions: ParsableOptions {
    @Option("file", .file, short: "f", valueName: "FILE", help: "keys from a JSON or YAML file ('show … --json' prints one); - for stdin")
    var file: String?
    @Option("set", valueName: "KEY=VALUE", help: "a key to set (repeatable; dotted keys; text where the key has text, else JSON): name=Finance, config.port=5432")
    var assignments: [String]

    /// What to create: the file's keys with each `--set` written over them.
    func definition(for command: String, session: Session) throws -> JSONValue {
        var definition = JSONValue.object(try fileKeys(for: command, session: session))
        for assignment in try Assignment.parse(assignments, command: command) {
            definition = definition.setting(path: assignment.path, to: assignment.value)
        }
        return definition
    }

    /// What to change: the file's keys (less those dbt Cloud computes, which an exported object
    /// carries) and each `--set` (dotted keys change one nested value).
    func changes(for command: String, kind: AccountObjectKind, session: Session) throws -> PendingChanges {
        let fileKeys = try fileKeys(for: command, session: session).filter { !kind.readOnlyKeys.contains($0.key) }
        let sets = try Assignment.parse(assignments, command: command)
        for assignment in sets {
            if let first = assignment.path.first, kind.readOnlyKeys.contains(first) {
                throw CommandFailure.usage("\(command): '\(first)' of a \(kind.rawValue) is set by dbt Cloud and cannot be changed")
            }
        }
        guard !fileKeys.isEmpty || !sets.isEmpty else {
            throw CommandFailure.usage("\(command): nothing to change; give --set KEY=VALUE or --file FILE")
        }
        return PendingChanges(fileKeys: fileKeys, assignments: sets)
    }

    private func fileKeys(for command: String, session: Session) throws -> [String: JSONValue] {
        guard let file else { return [:] }
        return try DefinitionFile.object(file, for: command, console: session.console)
    }
}

/// The changes of an update before the live object is read: the file's keys, and the `--set`
/// assignments, which the live object types (text stays text where it has text) and checks (a key
/// it does not have is refused).
struct PendingChanges {
    let fileKeys: [String: JSONValue]
    let assignments: [Assignment]

    func resolved(over live: JSONValue, of target: AccountObjectTarget, command: String) throws -> [String: JSONValue] {
        try Assignment.requireKnownKeys(assignments, in: live, of: target.label, command: command,
                                        keysHint: "'\(target.kind.rawValue)s --json' shows the keys")
        var changes = fileKeys
        for assignment in assignments {
            changes[assignment.key] = assignment.value(over: live.value(at: assignment.path))
        }
        return changes
    }
}

/// An object of the account as a command names it: `project 100 'analytics'`.
struct AccountObjectTarget {
    let kind: AccountObjectKind
    let id: Int
    let name: String?

    /// One line: a name from the network cannot start another.
    var label: String { "\(kind.rawValue) \(id)" + (name.map { " '\(VisibleControls.escaping($0, .singleLine))'" } ?? "") }
}

/// What the account-object commands print once dbt Cloud has answered: a line on stderr, and on
/// stdout the new id (create) or, in a data format (`--json`, `--output csv`…), the object.
enum AccountObjectReport {
    static func created(_ target: AccountObjectTarget, raw: JSONValue, output: OutputOptions, command: String, session: Session) throws {
        session.console.errorLine("created \(target.label)")
        try DataOutput(session, output, command: command).printRecord(raw) { session.console.line(String(target.id)) }
    }

    static func updated(_ target: AccountObjectTarget, raw: JSONValue, output: OutputOptions, command: String, session: Session) throws {
        session.console.errorLine("updated \(target.label)")
        try DataOutput(session, output, command: command).printRecord(raw) {}
    }

    /// Shows what an update changes; false when it changes nothing (said on stderr).
    static func showChanges(_ changes: [JobChange], of target: AccountObjectTarget, session: Session) -> Bool {
        guard !changes.isEmpty else {
            session.console.errorLine("\(target.label): nothing to change, every value is already set")
            return false
        }
        session.console.errorLine("\(target.label):")
        for line in ChangeLines.lines(changes) { session.console.errorLine(line) }
        return true
    }

    static func declined(_ verb: String, session: Session) -> Int32 {
        session.console.errorLine("not \(verb)")
        return 0
    }
}

/// A project, an environment or a connection as dbt Cloud returns it.
protocol AccountObjectRecord {
    var id: Int { get }
    var name: String? { get }
    var raw: JSONValue { get }
}

extension Project: AccountObjectRecord {}
extension Environment: AccountObjectRecord {}
extension Connection: AccountObjectRecord {}

/// The steps `project|environment|connection create|update|delete` share, in their order: check
/// the input, refuse a script without `--yes`, (the command finds the object,) ask, send, report.
struct AccountObjectWrite {
    let kind: AccountObjectKind
    let command: String
    let yes: Bool
    let session: Session

    /// The account and the definition to create, checked before anything is sent.
    func checkedDefinition(_ options: DefinitionOptions, adjusting adjust: (JSONValue) -> JSONValue = { $0 }) throws
        -> (account: Int, definition: JSONValue) {
        let account = try session.requireAccount()
        let definition = adjust(try options.definition(for: command, session: session))
        _ = try kind.createBody(from: definition, accountID: account)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        return (account, definition)
    }

    /// The account and the changes to make, checked before anything is sent.
    func checkedChanges(_ options: DefinitionOptions) throws -> (account: Int, changes: PendingChanges) {
        let account = try session.requireAccount()
        let changes = try options.changes(for: command, kind: kind, session: session)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        return (account, changes)
    }

    /// The account to delete from, checked before anything is sent.
    func checkedAccount() throws -> Int {
        let account = try session.requireAccount()
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        return account
    }

    func create(asking question: String, output: OutputOptions, send: () async throws -> some AccountObjectRecord) async throws -> Int32 {
        guard Confirmation.granted(question, yes: yes, session: session) else {
            return AccountObjectReport.declined("created", session: session)
        }
        let record = try await send()
        try AccountObjectReport.created(.init(kind: kind, id: record.id, name: record.name), raw: record.raw,
                                        output: output, command: command, session: session)
        return 0
    }

    /// Types `pending` over `live`, shows how the changes differ from it, asks, and sends them.
    func update(_ live: some AccountObjectRecord, with pending: PendingChanges, output: OutputOptions,
                send: ([String: JSONValue]) async throws -> some AccountObjectRecord) async throws -> Int32 {
        let target = AccountObjectTarget(kind: kind, id: live.id, name: live.name)
        let changes = try pending.resolved(over: live.raw, of: target, command: command)
        guard AccountObjectReport.showChanges(ChangeLines.changes(of: live.raw, to: changes), of: target, session: session) else { return 0 }
        guard Confirmation.granted("update \(target.label)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("updated", session: session)
        }
        let record = try await send(changes)
        try AccountObjectReport.updated(target, raw: record.raw, output: output, command: command, session: session)
        return 0
    }

    /// Asks `delete TARGET` followed by `where` (`" of project 7"`), then sends the delete.
    func delete(_ entry: ShellContext.Entry, where place: String = "", send: () async throws -> Void) async throws -> Int32 {
        let target = AccountObjectTarget(kind: kind, id: entry.id, name: entry.name)
        guard Confirmation.granted("delete \(target.label)\(place)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("deleted", session: session)
        }
        try await send()
        session.console.errorLine("deleted \(target.label)")
        return 0
    }
}

extension EntityResolver {
    /// A connection by id or name.
    func connection(_ text: String) async throws -> ShellContext.Entry {
        let connections = try await session.api().connections(accountID: try session.requireAccount()).collect()
        return try pick(text, kind: "connection", from: connections.map { ($0.id, $0.name) })
    }

    /// The project named by `text`, else the context's.
    func projectOrContext(_ text: String?, command: String) async throws -> ShellContext.Entry {
        if let text { return try await project(text) }
        guard let project = session.context.project else {
            throw CommandFailure.usage("\(command): no project in context; name one, or 'use project ID' first")
        }
        return project
    }

    /// The environment named by `text` (else the context's) and its project, looked up among the
    /// environments of `project` (else the context's project, else the account).
    func environmentAndProject(_ text: String?, project: String?, command: String) async throws -> (entry: ShellContext.Entry, projectID: Int) {
        guard let named = text ?? session.context.environment.map({ String($0.id) }) else {
            throw CommandFailure.usage("\(command): no environment in context; name one, or 'use environment ID' first")
        }
        let account = try session.requireAccount()
        var projectID = session.context.project?.id
        if let project { projectID = try await self.project(project).id }
        let environments = try await session.api().environments(accountID: account, projectID: projectID).collect()
        let entry = try pick(named, kind: "environment", from: environments.map { ($0.id, $0.name) })
        guard let owner = environments.first(where: { $0.id == entry.id })?.projectID ?? projectID else {
            throw CommandFailure.apiRefused("\(command): dbt Cloud did not say which project environment \(entry.id) belongs to; give --project P")
        }
        return (entry, owner)
    }
}
