import DbtCloud

struct EnvironmentCreateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "environment create", summary: "create an environment in the context's project (or --project P; asks; --yes in scripts)",
        discussion: "Needs name and type (development or deployment); a deployment environment may set deployment_type (production or staging).",
        mutates: true,
        examples: ["environment create --set name=CI --set type=deployment --set deployment_type=staging",
                   "environment create --project marketing --file ci.yml --yes"], rawFields: true)
    @Option("project", .project, valueName: "P", help: "the project (default: the context's)") var project: String?
    @OptionGroup var definition: DefinitionOptions
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let write = AccountObjectWrite(kind: .environment, command: Self.configuration.name, yes: yes, session: session)
        let (account, definition) = try write.checkedDefinition(self.definition)
        let owner = try await EntityResolver(session: session).projectOrContext(project, command: write.command)
        let name = definition["name"]?.stringValue ?? ""
        let ownerName = owner.name.map { " '\($0)'" } ?? ""
        return try await write.create(asking: "create environment '\(name)' in project \(owner.id)\(ownerName)?", output: output) {
            try await session.api().createEnvironment(accountID: account, projectID: owner.id, definition: definition)
        }
    }
}

struct EnvironmentUpdateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "environment update", summary: "change keys of an environment (default: the context's) with --set KEY=VALUE or --file",
        discussion: "Shows each change as 'key: old → new' and asks on a terminal; scripts say --yes. The whole environment is sent back: the API resets every key a POST leaves out.",
        mutates: true,
        examples: ["environment update --set dbt_version=1.9.0-latest", "environment update Staging --set custom_branch=release --set use_custom_branch=true --yes"], rawFields: true)
    @Argument("ENVIRONMENT", .environment) var environmentRef: String?
    @Option("project", .project, valueName: "P", help: "look the environment up in this project (default: the context's)") var project: String?
    @OptionGroup var definition: DefinitionOptions
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let write = AccountObjectWrite(kind: .environment, command: Self.configuration.name, yes: yes, session: session)
        let (account, pending) = try write.checkedChanges(definition)
        let (entry, projectID) = try await EntityResolver(session: session).environmentAndProject(environmentRef, project: project, command: write.command)
        let client = try session.api()
        let live = try await client.environment(accountID: account, projectID: projectID, id: entry.id)
        return try await write.update(live, with: pending, output: output) { changes in
            try await client.updateEnvironment(accountID: account, projectID: projectID, id: live.id, changes: changes)
        }
    }
}

struct EnvironmentDeleteCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "environment delete", summary: "delete an environment (default: the context's; asks; --yes in scripts)", mutates: true,
        examples: ["environment delete CI", "environment delete 203 --yes"])
    @Argument("ENVIRONMENT", .environment) var environmentRef: String?
    @Option("project", .project, valueName: "P", help: "look the environment up in this project (default: the context's)") var project: String?
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool

    func run(in session: Session) async throws -> Int32 {
        let write = AccountObjectWrite(kind: .environment, command: Self.configuration.name, yes: yes, session: session)
        let account = try write.checkedAccount()
        let (entry, projectID) = try await EntityResolver(session: session).environmentAndProject(environmentRef, project: project, command: write.command)
        return try await write.delete(entry, where: " of project \(projectID)") {
            try await session.api().deleteEnvironment(accountID: account, projectID: projectID, id: entry.id)
            session.updateContext { context in
                if context.environment?.id == entry.id { context.clear(from: .environment) }
            }
        }
    }
}
