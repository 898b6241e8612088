import DbtCloud

struct ProjectCreateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "project create", summary: "create a project from --set KEY=VALUE and/or --file (asks; --yes in scripts)", mutates: true,
        examples: ["project create --set name=Finance --set description='Finance models'", "project create --file finance.yml --yes"], rawFields: true)
    @OptionGroup var definition: DefinitionOptions
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let write = AccountObjectWrite(kind: .project, command: Self.configuration.name, yes: yes, session: session)
        let (account, definition) = try write.checkedDefinition(self.definition)
        let name = definition["name"]?.stringValue ?? ""
        return try await write.create(asking: "create project '\(name)'?", output: output) {
            try await session.api().createProject(accountID: account, definition: definition)
        }
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
        let write = AccountObjectWrite(kind: .project, command: Self.configuration.name, yes: yes, session: session)
        let (account, pending) = try write.checkedChanges(definition)
        let entry = try await EntityResolver(session: session).projectOrContext(projectRef, command: write.command)
        let client = try session.api()
        let live = try await client.project(accountID: account, id: entry.id)
        return try await write.update(live, with: pending, output: output) { changes in
            try await client.updateProject(accountID: account, id: live.id, changes: changes)
        }
    }
}

struct ProjectDeleteCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "project delete", summary: "delete a project (default: the context's; asks; --yes in scripts)", mutates: true,
        examples: ["project delete 102", "project delete Finance --yes"])
    @Argument("PROJECT", .project) var projectRef: String?
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool

    func run(in session: Session) async throws -> Int32 {
        let write = AccountObjectWrite(kind: .project, command: Self.configuration.name, yes: yes, session: session)
        let account = try write.checkedAccount()
        let entry = try await EntityResolver(session: session).projectOrContext(projectRef, command: write.command)
        return try await write.delete(entry) {
            try await session.api().deleteProject(accountID: account, id: entry.id)
            session.updateContext { context in
                if context.project?.id == entry.id { context.clear(from: .project) }
            }
        }
    }
}
