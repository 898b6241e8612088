import DbtCloud

struct ProjectCreateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "project create", summary: "create a project from --set KEY=VALUE and/or --file (asks; --yes in scripts)", mutates: true,
        examples: ["project create --set name=Finance --set description='Finance models'", "project create --file finance.yml --yes"], rawFields: true)
    @OptionGroup var definition: DefinitionOptions
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        let definition = try self.definition.definition(for: command, session: session)
        _ = try AccountObjectKind.project.createBody(from: definition, accountID: account)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let name = definition["name"]?.stringValue ?? ""
        guard Confirmation.granted("create project '\(name)'?", yes: yes, session: session) else {
            return AccountObjectReport.declined("created", session: session)
        }
        let project = try await session.api().createProject(accountID: account, definition: definition)
        try AccountObjectReport.created(.init(kind: .project, id: project.id, name: project.name), raw: project.raw, output: output, command: command, session: session)
        return 0
    }
}

struct ProjectUpdateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "project update", summary: "change keys of a project (default: the context's) with --set KEY=VALUE or --file",
        discussion: "Shows each change as 'key: old → new' and asks on a terminal; scripts say --yes. The whole project is sent back, as the API replaces it.",
        mutates: true, examples: ["project update --set description='The lumen_shop dbt project'", "project update marketing --set name=Marketing --yes"], rawFields: true)
    @Argument("PROJECT", .project) var projectRef: String?
    @OptionGroup var definition: DefinitionOptions
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        let changes = try definition.changes(for: command, kind: .project, session: session)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let entry = try await EntityResolver(session: session).projectOrContext(projectRef, command: command)
        let client = try session.api()
        let live = try await client.project(accountID: account, id: entry.id)
        let target = AccountObjectTarget(kind: .project, id: live.id, name: live.name)
        guard AccountObjectReport.showChanges(ChangeLines.changes(of: live.raw, to: changes), of: target, session: session) else { return 0 }
        guard Confirmation.granted("update \(target.label)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("updated", session: session)
        }
        let project = try await client.updateProject(accountID: account, id: live.id, changes: changes)
        try AccountObjectReport.updated(target, raw: project.raw, output: output, command: command, session: session)
        return 0
    }
}

struct ProjectDeleteCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "project delete", summary: "delete a project (default: the context's; asks; --yes in scripts)", mutates: true,
        examples: ["project delete 102", "project delete Finance --yes"])
    @Argument("PROJECT", .project) var projectRef: String?
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let entry = try await EntityResolver(session: session).projectOrContext(projectRef, command: command)
        let target = AccountObjectTarget(kind: .project, id: entry.id, name: entry.name)
        guard Confirmation.granted("delete \(target.label)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("deleted", session: session)
        }
        try await session.api().deleteProject(accountID: account, id: entry.id)
        session.updateContext { context in
            if context.project?.id == entry.id { context.clear(from: .project) }
        }
        session.console.errorLine("deleted \(target.label)")
        return 0
    }
}
