import DbtCloud
import Foundation

/// Keys of a job the API computes; an exported definition leaves them out.
enum JobDefinition {
    static let readOnlyKeys: Set<String> = [
        "id", "created_at", "updated_at", "raw_dbt_version", "is_deferrable", "lifecycle_webhooks_url",
        "run_failure_count", "cron_humanized", "next_run", "next_run_humanized", "deactivated", "most_recent_run",
        "most_recent_completed_run", "account", "project", "environment", "fusion_readiness", "is_system", "generate_sources",
    ]

    static func portable(_ raw: JSONValue) -> JSONValue {
        guard case .object(let object) = raw else { return raw }
        return .object(object.filter { !readOnlyKeys.contains($0.key) })
    }

    static func read(_ path: String, for command: String, console: Console) throws -> JSONValue {
        let data: Data?
        if path == "-" {
            data = try console.readStandardInput(for: command)
        } else {
            data = FileManager.default.contents(atPath: path)
        }
        guard let data else { throw CommandFailure.usage("cannot read '\(path)': no such readable file") }
        guard let json = try? JSONValue(parsing: data), case .object = json else {
            throw CommandFailure.usage("\(path): not a JSON object; 'job export' writes one to start from")
        }
        return json
    }
}

struct JobExportCommand: ShellCommand {
    static let configuration = CommandConfiguration("job export", summary: "a job's definition as JSON, without the keys dbt Cloud computes",
                                                    examples: ["job export > nightly.json", "job export 43167 -o nightly.json"])
    @Argument("JOB", .job) var jobRef: String?
    @Option("output-path", .file, short: "o", valueName: "FILE", help: "write to FILE instead of stdout") var outputPath: String?

    func run(in session: Session) async throws -> Int32 {
        let jobID = try await session.requireJob(jobRef)
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

struct JobImportCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "job import", summary: "create a job from an exported definition (project and environment default to the context)",
        mutates: true, examples: ["job import nightly.json"], rawFields: true)
    @Argument("FILE", .file) var file: String
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        var definition = JobDefinition.portable(try JobDefinition.read(file, for: "job import", console: session.console))
        let context = session.context
        if definition["project_id"]?.intValue == nil, let project = context.project { definition = definition.setting("project_id", to: .int(project.id)) }
        if definition["environment_id"]?.intValue == nil, let environment = context.environment {
            definition = definition.setting("environment_id", to: .int(environment.id))
        }
        return try await JobCreation.create(definition, output: output, session: session)
    }
}

struct JobCreateCommand: ShellCommand {
    static let configuration = CommandConfiguration("job create", summary: "create a job from a JSON definition file", mutates: true,
                                                    examples: ["job create --file job.json"], rawFields: true)
    @Option("file", .file, short: "f", valueName: "FILE", help: "the job definition (JSON); - for stdin") var file: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        guard let file else { throw CommandFailure.usage("job create: --file FILE is required") }
        return try await JobCreation.create(try JobDefinition.read(file, for: "job create", console: session.console), output: output, session: session)
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
        "job update", summary: "change keys of a job: --set KEY=VALUE (dotted keys, JSON values)", mutates: true,
        examples: ["job update --set settings.threads=8", "job update 43167 --set name='Nightly build v2' --set generate_docs=false"],
        rawFields: true)
    @Argument("JOB", .job) var jobRef: String?
    @Option("set", valueName: "KEY=VALUE", help: "e.g. name='Nightly', settings.threads=8, generate_docs=false") var assignments: [String]
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        guard !assignments.isEmpty else { throw CommandFailure.usage("job update: nothing to change; give --set KEY=VALUE") }
        let account = try session.requireAccount()
        let jobID = try await session.requireJob(jobRef)
        var definition = try await session.api().job(accountID: account, id: jobID).raw
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw CommandFailure.usage("job update: '\(assignment)' is not KEY=VALUE")
            }
            let key = String(assignment[..<eq])
            let text = String(assignment[assignment.index(after: eq)...])
            let value = (try? JSONValue(parsing: text)) ?? .string(text)
            definition = try Self.assign(value, at: key.split(separator: ".").map(String.init), in: definition, fullKey: key)
        }
        let job = try await session.api().updateJob(accountID: account, id: jobID, definition: definition)
        session.console.errorLine("updated job \(job.id)")
        try DataOutput(session, output, command: "job update").printRecord(job.raw) {}
        return 0
    }

    static func assign(_ value: JSONValue, at path: [String], in object: JSONValue, fullKey: String) throws -> JSONValue {
        guard let key = path.first else { return value }
        guard case .object = object else { throw CommandFailure.usage("job update: '\(fullKey)' goes inside a value that is not an object") }
        if JobDefinition.readOnlyKeys.contains(key), path.count == 1 {
            throw CommandFailure.usage("job update: '\(key)' is computed by dbt Cloud and cannot be set")
        }
        let inner = object[key] ?? .object([:])
        return object.setting(key, to: try assign(value, at: Array(path.dropFirst()), in: inner.isNull ? .object([:]) : inner, fullKey: fullKey))
    }
}

struct JobDeleteCommand: ShellCommand {
    static let configuration = CommandConfiguration("job delete", summary: "delete a job (asks on a terminal; --yes in scripts)", mutates: true)
    @Argument("JOB", .job) var jobRef: String?
    @Flag("yes", short: "y", help: "do not ask") var yes: Bool

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let jobID = try await session.requireJob(jobRef)
        if !yes {
            guard session.canPrompt else {
                throw CommandFailure.usage("job delete: refusing without --yes when not on a terminal")
            }
            let job = try await session.api().job(accountID: account, id: jobID)
            guard session.console.confirm("delete job \(jobID) '\(job.name ?? "")'? [y/N] ") else {
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
