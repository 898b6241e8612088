import Foundation

/// A job definition, kept as its wire document so that create/update round-trip every field.
struct JobRecord: Sendable {
    var document: JSONValue
    /// Which recorded dbt job its runs replay.
    let fixtureSet: FixtureSet
    /// For the failure-shape demo jobs: the shape a newly triggered run replays.
    var shape: DemoShape? = nil

    var id: Int { document["id"]?.intValue ?? 0 }
    var projectID: Int { document["project_id"]?.intValue ?? 0 }
    var environmentID: Int { document["environment_id"]?.intValue ?? 0 }
    var name: String { document["name"]?.stringValue ?? "" }
    var state: Int { document["state"]?.intValue ?? 1 }
    var executeSteps: [String] { document["execute_steps"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    var generateDocs: Bool { document["generate_docs"]?.boolValue ?? false }
    var threads: Int { document["settings"]?["threads"]?.intValue ?? 4 }
    var targetName: String { document["settings"]?["target_name"]?.stringValue ?? "default" }
    var timeoutSeconds: Int { document["execution"]?["timeout_seconds"]?.intValue ?? 0 }
    var createdAt: String { document["created_at"]?.stringValue ?? "" }
    var updatedAt: String { document["updated_at"]?.stringValue ?? "" }

    /// The fields the API requires on create and update (CONTRACT §4.3; the lint and compare flags default).
    static let requiredKeys = [
        "account_id", "project_id", "environment_id", "name", "settings", "state", "triggers", "execution",
        "generate_docs", "lifecycle_webhooks", "run_generate_sources",
    ]

    struct Schedule {
        let cron: String
        let date: JSONValue
        let time: JSONValue
        let humanized: String
        static let hourly = Schedule(
            cron: "0 * * * *", date: .object([("type", "every_day")]),
            time: .object([("type", "every_hour"), ("interval", 1)]), humanized: "Every hour")
        static let nightly = Schedule(
            cron: "0 2 * * *", date: .object([("type", "every_day")]),
            time: .object([("type", "at_exact_hours"), ("interval", nil), ("hours", [2])]), humanized: "At 02:00 AM, every day")
    }

    static func document(
        id: Int, accountID: Int, projectID: Int, environmentID: Int, name: String, description: String = "",
        executeSteps: [String], generateDocs: Bool, scheduled: Bool, schedule: Schedule, threads: Int = 4,
        targetName: String = "prod", createdAt: Date, jobType: String = "scheduled"
    ) -> JSONValue {
        let created = WireFormat.isoTimestamp(createdAt)
        return .object([
            ("execution", .object([("timeout_seconds", 0)])),
            ("generate_docs", .bool(generateDocs)),
            ("run_generate_sources", false),
            ("run_compare_changes", false),
            ("id", .int(id)),
            ("account_id", .int(accountID)),
            ("project_id", .int(projectID)),
            ("environment_id", .int(environmentID)),
            ("name", .string(name)),
            ("description", .string(description)),
            ("dbt_version", nil),
            ("raw_dbt_version", nil),
            ("created_at", .string(created)),
            ("updated_at", .string(created)),
            ("execute_steps", .from(executeSteps)),
            ("state", 1),
            ("deactivated", false),
            ("run_failure_count", 0),
            ("deferring_job_definition_id", nil),
            ("deferring_environment_id", nil),
            ("lifecycle_webhooks", false),
            ("lifecycle_webhooks_url", nil),
            (
                "triggers",
                .object([
                    ("github_webhook", false), ("git_provider_webhook", false), ("custom_branch_only", false),
                    ("schedule", .bool(scheduled)), ("on_merge", false),
                ])
            ),
            ("settings", .object([("threads", .int(threads)), ("target_name", .string(targetName))])),
            ("schedule", .object([("cron", .string(schedule.cron)), ("date", schedule.date), ("time", schedule.time)])),
            ("is_deferrable", false),
            ("job_type", .string(jobType)),
            ("triggers_on_draft_pr", false),
            ("job_completion_trigger_condition", nil),
            ("generate_sources", false),
            ("cron_humanized", .string(schedule.humanized)),
            ("next_run", nil),
            ("next_run_humanized", nil),
            ("compare_changes_flags", "--select state:modified"),
            ("run_lint", false),
            ("errors_on_lint_failure", true),
            ("cost_optimization_features", []),
        ])
    }
}
