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
        let command = Self.configuration.name
        let account = try session.requireAccount()
        let definition = try self.definition.definition(for: command, session: session)
        _ = try AccountObjectKind.environment.createBody(from: definition, accountID: account)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let owner = try await EntityResolver(session: session).projectOrContext(project, command: command)
        let name = definition["name"]?.stringValue ?? ""
        let ownerName = owner.name.map { " '\($0)'" } ?? ""
        guard Confirmation.granted("create environment '\(name)' in project \(owner.id)\(ownerName)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("created", session: session)
        }
        let environment = try await session.api().createEnvironment(accountID: account, projectID: owner.id, definition: definition)
        try AccountObjectReport.created(.init(kind: .environment, id: environment.id, name: environment.name), raw: environment.raw,
                                        output: output, command: command, session: session)
        return 0
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
        let command = Self.configuration.name
        let account = try session.requireAccount()
        let changes = try definition.changes(for: command, kind: .environment, session: session)
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let (entry, projectID) = try await EntityResolver(session: session).environmentAndProject(environmentRef, project: project, command: command)
        let client = try session.api()
        let live = try await client.environment(accountID: account, projectID: projectID, id: entry.id)
        let target = AccountObjectTarget(kind: .environment, id: live.id, name: live.name)
        guard AccountObjectReport.showChanges(ChangeLines.changes(of: live.raw, to: changes), of: target, session: session) else { return 0 }
        guard Confirmation.granted("update \(target.label)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("updated", session: session)
        }
        let environment = try await client.updateEnvironment(accountID: account, projectID: projectID, id: live.id, changes: changes)
        try AccountObjectReport.updated(target, raw: environment.raw, output: output, command: command, session: session)
        return 0
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
        let command = Self.configuration.name
        let account = try session.requireAccount()
        try Confirmation.requireYesInScripts(yes, command: command, session: session)
        let (entry, projectID) = try await EntityResolver(session: session).environmentAndProject(environmentRef, project: project, command: command)
        let target = AccountObjectTarget(kind: .environment, id: entry.id, name: entry.name)
        guard Confirmation.granted("delete \(target.label) of project \(projectID)?", yes: yes, session: session) else {
            return AccountObjectReport.declined("deleted", session: session)
        }
        try await session.api().deleteEnvironment(accountID: account, projectID: projectID, id: entry.id)
        session.updateContext { context in
            if context.environment?.id == entry.id { context.clear(from: .environment) }
        }
        session.console.errorLine("deleted \(target.label)")
        return 0
    }
}
