import DbtCloud
import Foundation
import TerminalText

/// A job's definition as `job export` writes it: the API's object without the keys dbt Cloud computes.
enum JobDefinition {
    static func portable(_ raw: JSONValue) -> JSONValue {
        guard case .object(let object) = raw else { return raw }
        return .object(object.filter { !DeclaredJob.readOnlyKeys.contains($0.key) })
    }
}

struct JobExportCommand: ShellCommand {
    static let configuration = CommandConfiguration("job export", summary: "a job's definition as JSON, without the keys dbt Cloud computes",
                                                    examples: ["job export > nightly.json", "job export 43167 -o nightly.json"])
    @Argument("JOB", .job) var jobRef: String?
    @Option("output-path", .file, short: "o", valueName: "FILE", help: "write to FILE instead of stdout") var outputPath: String?

    func run(in session: Session) async throws -> Int32 {
        let jobID = try await session.requireJob(jobRef, naming: "name the job: '\(Self.configuration.name) JOB'")
        let job = try await session.api().job(accountID: try session.requireAccount(), id: jobID)
        let text = JobDefinition.portable(job.raw).prettyText + "\n"
        if let path = outputPath, path != "-" {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path))
            session.console.errorLine("job \(jobID) → \(path)")
        } else {
            session.console.out(text)
        }
        return 0
    }
}

struct JobCreateCommand: ShellCommand {
    static let configuration = CommandConfiguration("job create", summary: "create a job from a definition file (JSON or YAML)", mutates: true,
                                                    examples: ["job create --file job.json", "job create --file job.yml"], rawFields: true)
    @Option("file", .file, short: "f", valueName: "FILE", help: "the job definition (JSON or YAML); - for stdin") var file: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        guard let file else { throw CommandFailure.usage("job create: --file FILE is required") }
        let definition = try DefinitionFile.object(file, for: "job create", console: session.console)
        return try await JobCreation.create(.object(definition), output: output, session: session)
    }
}

enum JobCreation {
    static func create(_ definition: JSONValue, output: OutputOptions, session: Session) async throws -> Int32 {
        let job = try await session.api().createJob(accountID: try session.requireAccount(), definition: definition)
        session.updateContext { context in
            context.job = .init(id: job.id, name: job.name)
            context.run = nil
        }
        session.console.errorLine("created job \(job.id) \(job.name ?? "")")
        try DataOutput(session, output, command: "job create").printRecord(job.raw) { session.console.line(String(job.id)) }
        return 0
    }
}

struct JobUpdateCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "job update", summary: "change keys of a job: --set KEY=VALUE (dotted keys; text where the job has text, else JSON)", mutates: true,
        examples: ["job update --set settings.threads=8", "job update 43167 --set name='Nightly build v2' --set generate_docs=false"],
        rawFields: true)
    @Argument("JOB", .job) var jobRef: String?
    @Option("set", valueName: "KEY=VALUE", help: "e.g. name='Nightly', settings.threads=8, generate_docs=false") var assignments: [String]
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        guard !assignments.isEmpty else { throw CommandFailure.usage("job update: nothing to change; give --set KEY=VALUE") }
        let changes = try Assignment.parse(assignments, command: "job update")
        let account = try session.requireAccount()
        let jobID = try await session.requireJob(jobRef, naming: "name the job: '\(Self.configuration.name) JOB'")
        var definition = try await session.api().job(accountID: account, id: jobID).raw
        try Assignment.requireKnownKeys(changes, in: definition, of: "job \(jobID)", command: "job update",
                                        keysHint: "'job export \(jobID)' shows its keys")
        for assignment in changes {
            let value = assignment.value(over: definition.value(at: assignment.path))
            definition = try Self.assign(value, at: assignment.path, in: definition, fullKey: assignment.key)
        }
        let job = try await session.api().updateJob(accountID: account, id: jobID, definition: definition)
        session.console.errorLine("updated job \(job.id)")
        try DataOutput(session, output, command: "job update").printRecord(job.raw) {}
        return 0
    }

    static func assign(_ value: JSONValue, at path: [String], in object: JSONValue, fullKey: String) throws -> JSONValue {
        guard let key = path.first else { return value }
        guard case .object = object else { throw CommandFailure.usage("job update: '\(fullKey)' goes inside a value that is not an object") }
        if DeclaredJob.readOnlyKeys.contains(key), path.count == 1 {
            throw CommandFailure.usage("job update: '\(key)' is computed by dbt Cloud and cannot be set")
        }
        let inner = object[key] ?? .object([:])
        return object.setting(key, to: try assign(value, at: Array(path.dropFirst()), in: inner.isNull ? .object([:]) : inner, fullKey: fullKey))
    }
}

struct JobDeleteCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "job delete", summary: "delete a job (asks; --yes in scripts); --all: every job of the project but --keep ones",
        discussion: "With --all: the jobs of --project P, else of the context's project, else of the whole account; lists them first, asks, then reports each job. Exit 8 when some deletes failed and others did not.",
        mutates: true,
        examples: ["job delete 43170", "job delete --all --keep 43167 --keep 43168 --dry-run", "job delete --all --project marketing --keep 50001,50004 --yes"],
        rawFields: true)
    @Argument("JOB", .job) var jobRef: String?
    @Flag("all", help: "every job of the project (see above)") var all: Bool
    @Option("keep", .job, valueName: "ID", help: "with --all: spare this job (repeatable, or ID,ID,…)") var keep: [String]
    @Option("project", .project, valueName: "P", help: "with --all: the jobs of this project") var project: String?
    @Flag("dry-run", help: "with --all: list the jobs, delete nothing") var dryRun: Bool
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    var changesDbtCloud: Bool { !dryRun }

    func run(in session: Session) async throws -> Int32 {
        if all {
            guard jobRef == nil else { throw CommandFailure.usage("job delete: --all deletes many jobs; give no JOB (spare some with --keep)") }
            return try await BulkJobDelete(session: session, keep: keep, project: project, dryRun: dryRun, yes: yes, output: output).run()
        }
        for (given, name) in [(!keep.isEmpty, "--keep"), (project != nil, "--project"), (dryRun, "--dry-run")] where given {
            throw CommandFailure.usage("job delete: \(name) goes with --all; to delete one job: job delete [JOB]")
        }
        let account = try session.requireAccount()
        try Confirmation.requireYesInScripts(yes, command: "job delete", session: session)
        let jobID = try await session.requireJob(jobRef, naming: "name the job: '\(Self.configuration.name) JOB'")
        if !yes {
            let job = try await session.api().job(accountID: account, id: jobID)
            let name = VisibleControls.escaping(job.name ?? "", .singleLine)
            guard Confirmation.granted("delete job \(jobID) '\(name)'?", yes: yes, session: session) else {
                session.console.errorLine("not deleted")
                return 0
            }
        }
        _ = try await session.api().deleteJob(accountID: account, id: jobID)
        session.updateContext { context in
            if context.job?.id == jobID { context.clear(from: .job) }
        }
        session.console.errorLine("deleted job \(jobID)")
        return 0
    }
}
