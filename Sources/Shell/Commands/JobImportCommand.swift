import DbtCloud

struct JobImportCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "job import", summary: "create a job from an exported definition; --project and --environment move it",
        discussion: "Says what it changes: project, environment, deferral that cannot cross projects, the schedule. A job that runs on a schedule keeps it unless --no-schedule; on a terminal dbtsh offers to turn it off. Without --project and --environment the file's ids are used, and the context's fill those it lacks.",
        mutates: true,
        examples: ["job import nightly.json", "job import nightly.yml --project marketing --environment Production --no-schedule"],
        rawFields: true)
    @Argument("FILE", .file) var file: String
    @Option("project", .project, valueName: "P", help: "create the job in this project (give --environment too)") var project: String?
    @Option("environment", .environment, valueName: "E", help: "create the job in this environment (its project follows)") var environment: String?
    @Flag("no-schedule", help: "turn the schedule trigger off") var noSchedule: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let fields = try DefinitionFile.object(file, for: command, console: session.console)
        let resolver = EntityResolver(session: session)
        var projectID: Int?
        if let project { projectID = try await resolver.project(project).id }
        var environmentID: Int?
        if let environment {
            let (id, owner) = try await resolveEnvironment(environment, scope: projectID ?? fields["project_id"]?.intValue, resolver: resolver)
            if let projectID, owner != projectID {
                throw CommandFailure.usage("\(command): environment \(id) belongs to project \(owner.map(String.init) ?? "?"), not \(projectID)")
            }
            environmentID = id
            projectID = projectID ?? owner
        }
        let fileProject = fields["project_id"]?.intValue
        if let projectID, fileProject != projectID, environmentID == nil {
            throw CommandFailure.usage("\(command): --project moves the job to project \(projectID); give --environment E, one of its environments (see 'environments --project \(projectID)')")
        }
        let context = session.context
        if projectID == nil, fileProject == nil { projectID = context.project?.id }
        if environmentID == nil, fields["environment_id"]?.intValue == nil { environmentID = context.environment?.id }

        var imported = try JobImport.retarget(.object(fields), projectID: projectID, environmentID: environmentID, keepSchedule: !noSchedule)
        for note in imported.notes { session.console.errorLine("\(command): \(note)") }
        if imported.runsOnSchedule, session.canPrompt, session.console.confirm("turn the new job's schedule off? [y/N] ") {
            imported = try JobImport.retarget(.object(fields), projectID: projectID, environmentID: environmentID, keepSchedule: false)
            session.console.errorLine("\(command): schedule turned off")
        }
        return try await JobCreation.create(imported.definition, output: output, session: session)
    }

    /// An environment by id (anywhere in the account) or by name (in `scope`'s project when known).
    private func resolveEnvironment(_ text: String, scope: Int?, resolver: EntityResolver) async throws -> (id: Int, project: Int?) {
        let all = try await resolver.session.api().environments(accountID: try resolver.session.requireAccount(), projectID: nil).collect()
        let candidates = Int(text) != nil || scope == nil ? all : all.filter { $0.projectID == scope }
        let entry = try resolver.pick(text, kind: "environment", from: candidates.map { ($0.id, $0.name) })
        return (entry.id, all.first { $0.id == entry.id }?.projectID)
    }
}
