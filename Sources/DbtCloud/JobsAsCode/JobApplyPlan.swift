import Foundation

/// What `job apply FILE…` will do: each declared job is created, updated or left unchanged,
/// matched to a live job by its identifier (the ` [[identifier]]` suffix of the live job's name).
/// Live jobs no file declares are left alone (listed in `untracked`). Pure: the caller lists the
/// live jobs and sends the bodies.
public struct JobApplyPlan: Sendable {
    public enum Action: String, Sendable {
        case create, update, unchanged
    }

    public struct Item: Sendable {
        public let action: Action
        public let job: DeclaredJob
        /// The live job it matched (update, unchanged).
        public let liveJob: Job?
        /// The keys an update changes.
        public let changes: [JobChange]
        /// What to send: the create body (`POST …/jobs/`), or the whole updated job
        /// (`POST …/jobs/{id}/`); nil when unchanged.
        public let body: JSONValue?
    }

    public let items: [Item]
    /// Reasons not to apply anything (a missing or repeated identifier, a create without its keys).
    public let problems: [String]
    /// Things to say that do not block (keys of a file that are not applied).
    public let notes: [String]
    /// Live jobs with an identifier that no file declares.
    public let untracked: [Job]

    public var isApplicable: Bool { problems.isEmpty }
    public var pending: [Item] { items.filter { $0.action != .unchanged } }

    /// The keys a new job needs from its file.
    public static let requiredForCreate = ["name", "project_id", "environment_id", "execute_steps"]

    /// What the API requires on create that a file may leave out (dbt-jobs-as-code's defaults).
    public static let createDefaults: [String: JSONValue] = [
        "description": "", "state": 1, "generate_docs": false, "run_generate_sources": false, "lifecycle_webhooks": false,
        "run_compare_changes": false, "run_lint": false, "errors_on_lint_failure": true, "job_type": "scheduled",
        "settings": ["threads": 4, "target_name": "default"], "execution": ["timeout_seconds": 0],
        "triggers": ["github_webhook": false, "git_provider_webhook": false, "schedule": false, "on_merge": false],
        "triggers_on_draft_pr": false, "dbt_version": nil, "deferring_job_definition_id": nil,
    ]

    public static func make(declared: [DeclaredJob], live: [Job], accountID: Int) -> JobApplyPlan {
        var problems: [String] = []
        var notes: [String] = []
        var liveByIdentifier: [String: [Job]] = [:]
        for job in live {
            if let identifier = DeclaredJob.identifier(of: job) { liveByIdentifier[identifier, default: []].append(job) }
        }
        var seen: [String: String] = [:]
        for job in declared {
            guard let identifier = job.identifier else {
                problems.append("\(job.source): no identifier; add `identifier: NAME` (or declare it under `jobs: NAME:`)")
                continue
            }
            if let first = seen[identifier] {
                problems.append("\(job.source): identifier `\(identifier)` is declared twice (also in \(first))")
            }
            seen[identifier] = job.source
            if let matches = liveByIdentifier[identifier], matches.count > 1 {
                let ids = matches.map { String($0.id) }.joined(separator: ", ")
                problems.append("identifier `\(identifier)` names several live jobs (\(ids)); rename all but one")
            }
            if !job.ignoredKeys.isEmpty {
                notes.append("\(job.source): \(job.ignoredKeys.joined(separator: ", ")) not applied")
            }
        }
        var items: [Item] = []
        for job in declared {
            guard let identifier = job.identifier else { continue }
            if let liveJob = liveByIdentifier[identifier]?.first {
                let changes = JobDiff.changes(job, live: liveJob.raw)
                let body = changes.isEmpty ? nil : JobDiff.merged(liveJob.raw, with: job.wireFields(live: liveJob.raw))
                    .setting("id", to: .int(liveJob.id))
                items.append(Item(action: changes.isEmpty ? .unchanged : .update, job: job, liveJob: liveJob, changes: changes, body: body))
            } else {
                let missing = requiredForCreate.filter { job.fields[$0] == nil || job.fields[$0] == .null }
                if !missing.isEmpty {
                    problems.append("\(job.source): a new job needs \(missing.map { "`\($0)`" }.joined(separator: ", "))")
                }
                if job.fields["triggers"]?["schedule"]?.boolValue == true, job.fields["schedule"]?["cron"] == nil {
                    problems.append("\(job.source): `triggers.schedule` is on but there is no `schedule.cron`")
                }
                var body = createDefaults.merging(job.wireFields(live: nil)) { _, declared in declared }
                body["account_id"] = .int(accountID)
                if body["schedule"] == nil {
                    body["schedule"] = [
                        "cron": "0 0 * * *", "date": ["type": "every_day"], "time": ["type": "at_exact_hours", "hours": [0]],
                    ]
                }
                items.append(Item(action: .create, job: job, liveJob: nil, changes: [], body: JobDiff.merged(.object([:]), with: body)))
            }
        }
        let declaredIdentifiers = Set(declared.compactMap(\.identifier))
        let untracked = live.filter { job in DeclaredJob.identifier(of: job).map { !declaredIdentifiers.contains($0) } ?? false }
        return JobApplyPlan(items: items, problems: problems, notes: notes, untracked: untracked)
    }
}

/// `job import FILE --project P --environment E [--no-schedule]`: a job definition made ready for
/// another project. What it changes is said, not done silently.
public struct JobImport: Sendable {
    /// The create body (without `account_id`, which `createJob` fills in).
    public let definition: JSONValue
    /// One line per change, e.g. "project 100 → 101".
    public let notes: [String]
    /// Whether the new job will run on its own schedule.
    public let runsOnSchedule: Bool

    /// `keepSchedule: false` turns the schedule trigger off. Deferral to a job or environment of
    /// the old project is cleared when the project changes: it cannot point across projects.
    public static func retarget(
        _ definition: JSONValue, projectID: Int?, environmentID: Int?, keepSchedule: Bool = true
    ) throws -> JobImport {
        guard case .object(let raw) = definition else {
            throw DbtCloudError(kind: .invalidArgument, message: "a job definition must be a JSON object")
        }
        var fields = raw.filter { !DeclaredJob.readOnlyKeys.contains($0.key) }
        var notes: [String] = []
        let oldProject = fields["project_id"]?.intValue
        if let projectID, oldProject != projectID {
            notes.append("project \(oldProject.map(String.init) ?? "(none)") → \(projectID)")
            fields["project_id"] = .int(projectID)
            for key in ["deferring_job_definition_id", "deferring_environment_id"] {
                if let value = fields[key], !value.isNull {
                    notes.append("\(key) \(value.compactText) cleared: it belongs to project \(oldProject.map(String.init) ?? "?")")
                    fields[key] = .null
                }
            }
            if let condition = fields["job_completion_trigger_condition"], !condition.isNull {
                notes.append("job_completion_trigger_condition still waits for job \(condition["condition"]?["job_id"]?.compactText ?? "?") of project \(condition["condition"]?["project_id"]?.compactText ?? "?")")
            }
        }
        if let environmentID, fields["environment_id"]?.intValue != environmentID {
            notes.append("environment \(fields["environment_id"]?.intValue.map(String.init) ?? "(none)") → \(environmentID)")
            fields["environment_id"] = .int(environmentID)
        }
        let scheduled = fields["triggers"]?["schedule"]?.boolValue == true
        if scheduled, !keepSchedule {
            fields["triggers"] = (fields["triggers"] ?? .object([:])).setting("schedule", to: false)
            notes.append("schedule turned off (it was \(fields["schedule"]?["cron"]?.stringValue ?? "on"))")
        } else if scheduled {
            notes.append("the schedule is kept: the new job runs on its own at `\(fields["schedule"]?["cron"]?.stringValue ?? "?")`; --no-schedule turns it off")
        }
        return JobImport(definition: .object(fields), notes: notes, runsOnSchedule: scheduled && keepSchedule)
    }
}
