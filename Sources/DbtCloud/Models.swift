import Foundation

// Lenient typed views of dbt Cloud objects. Ids are required; every other field is optional,
// unknown keys are ignored, and `raw` keeps the object exactly as the API sent it.

public struct Account: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let name: String?
    public let plan: String?
    public let state: Int?
    public let runSlots: Int?
    public let developerSeats: Int?
    public let readOnlySeats: Int?
    public let locked: Bool?
    public let identifier: String?
    public let createdAt: Date?
    public let updatedAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        name = fields.string("name")
        plan = fields.string("plan")
        state = fields.int("state")
        runSlots = fields.int("run_slots")
        developerSeats = fields.int("developer_seats")
        readOnlySeats = fields.int("read_only_seats")
        locked = fields.bool("locked")
        identifier = fields.string("identifier")
        createdAt = fields.date("created_at")
        updatedAt = fields.date("updated_at")
        raw = fields.raw
    }
}

public struct Project: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let accountID: Int?
    public let name: String?
    public let description: String?
    public let connectionID: Int?
    public let repositoryID: Int?
    public let state: Int?
    public let dbtProjectSubdirectory: String?
    public let type: Int?
    public let createdAt: Date?
    public let updatedAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        accountID = fields.int("account_id")
        name = fields.string("name")
        description = fields.string("description")
        connectionID = fields.int("connection_id")
        repositoryID = fields.int("repository_id")
        state = fields.int("state")
        dbtProjectSubdirectory = fields.string("dbt_project_subdirectory")
        type = fields.int("type")
        createdAt = fields.date("created_at")
        updatedAt = fields.date("updated_at")
        raw = fields.raw
    }
}

public struct Environment: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let accountID: Int?
    public let projectID: Int?
    public let name: String?
    /// `development` or `deployment`.
    public let type: String?
    /// `production`, `staging` or nil.
    public let deploymentType: String?
    public let dbtVersion: String?
    public let useCustomBranch: Bool?
    public let customBranch: String?
    public let credentialsID: Int?
    public let connectionID: Int?
    public let state: Int?
    public let createdAt: Date?
    public let updatedAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        accountID = fields.int("account_id")
        projectID = fields.int("project_id")
        name = fields.string("name")
        type = fields.string("type")
        deploymentType = fields.string("deployment_type")
        dbtVersion = fields.string("dbt_version")
        useCustomBranch = fields.bool("use_custom_branch")
        customBranch = fields.string("custom_branch")
        credentialsID = fields.int("credentials_id")
        connectionID = fields.int("connection_id")
        state = fields.int("state")
        createdAt = fields.date("created_at")
        updatedAt = fields.date("updated_at")
        raw = fields.raw
    }
}

public struct JobTriggers: Sendable, Equatable, JSONModel {
    public let schedule: Bool?
    public let githubWebhook: Bool?
    public let gitProviderWebhook: Bool?
    public let onMerge: Bool?

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        schedule = fields.bool("schedule")
        githubWebhook = fields.bool("github_webhook")
        gitProviderWebhook = fields.bool("git_provider_webhook")
        onMerge = fields.bool("on_merge")
    }
}

public struct Job: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let accountID: Int?
    public let projectID: Int?
    public let environmentID: Int?
    public let name: String?
    public let description: String?
    public let dbtVersion: String?
    public let executeSteps: [String]?
    /// 1 active, 2 deleted.
    public let state: Int?
    public let jobType: String?
    public let generateDocs: Bool?
    public let runGenerateSources: Bool?
    public let threads: Int?
    public let targetName: String?
    public let timeoutSeconds: Int?
    public let triggers: JobTriggers?
    /// The cron text of `schedule` (the job endpoint sends an object, a run's embedded job strings).
    public let scheduleCron: String?
    public let cronHumanized: String?
    public let nextRun: Date?
    public let deferringJobDefinitionID: Int?
    public let createdAt: Date?
    public let updatedAt: Date?
    public let environment: Environment?
    public let raw: JSONValue

    /// With `include_related` `most_recent_run`.
    public var mostRecentRun: Run? { raw["most_recent_run"].flatMap { try? $0.decode(Run.self) } }
    /// With `include_related` `most_recent_completed_run`.
    public var mostRecentCompletedRun: Run? { raw["most_recent_completed_run"].flatMap { try? $0.decode(Run.self) } }

    public var isScheduled: Bool { triggers?.schedule ?? false }

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        accountID = fields.int("account_id")
        projectID = fields.int("project_id")
        environmentID = fields.int("environment_id")
        name = fields.string("name")
        description = fields.string("description")
        dbtVersion = fields.string("dbt_version")
        executeSteps = fields.strings("execute_steps")
        state = fields.int("state")
        jobType = fields.string("job_type")
        generateDocs = fields.bool("generate_docs")
        runGenerateSources = fields.bool("run_generate_sources") ?? fields.bool("generate_sources")
        threads = fields.raw["settings"]?["threads"]?.intValue
        targetName = fields.raw["settings"]?["target_name"]?.stringValue
        timeoutSeconds = fields.raw["execution"]?["timeout_seconds"]?.intValue
        triggers = fields.nested(JobTriggers.self, "triggers")
        scheduleCron = fields.raw["schedule"]?["cron"]?.stringValue
        cronHumanized = fields.string("cron_humanized")
        nextRun = fields.date("next_run")
        deferringJobDefinitionID = fields.int("deferring_job_definition_id")
        createdAt = fields.date("created_at")
        updatedAt = fields.date("updated_at")
        environment = fields.nested(Environment.self, "environment")
        raw = fields.raw
    }
}

public struct RunTrigger: Sendable, Equatable, JSONModel {
    public let id: Int?
    public let cause: String?
    /// `api`, `ci`, `scheduled`, `ui`, `rerun`, `job completion`… (values may contain spaces).
    public let causeCategory: String?
    public let jobDefinitionID: Int?
    public let gitBranch: String?
    public let gitSha: String?
    public let schemaOverride: String?
    public let dbtVersionOverride: String?
    public let threadsOverride: Int?
    public let targetNameOverride: String?
    public let generateDocsOverride: Bool?
    public let timeoutSecondsOverride: Int?
    public let stepsOverride: [String]?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = fields.int("id")
        cause = fields.string("cause")
        causeCategory = fields.string("cause_category")
        jobDefinitionID = fields.int("job_definition_id")
        gitBranch = fields.string("git_branch")
        gitSha = fields.string("git_sha")
        schemaOverride = fields.string("schema_override")
        dbtVersionOverride = fields.string("dbt_version_override")
        threadsOverride = fields.int("threads_override")
        targetNameOverride = fields.string("target_name_override")
        generateDocsOverride = fields.bool("generate_docs_override")
        timeoutSecondsOverride = fields.int("timeout_seconds_override")
        stepsOverride = fields.strings("steps_override")
        raw = fields.raw
    }
}

public struct RunStep: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let runID: Int?
    public let accountID: Int?
    /// 1-based; the same number as the artifacts `?step=`.
    public let index: Int?
    public let status: RunStatus?
    public let statusHumanized: String?
    public let name: String?
    public let logs: String?
    public let debugLogs: String?
    public let truncatedDebugLogs: String?
    public let createdAt: Date?
    public let startedAt: Date?
    public let finishedAt: Date?
    public let duration: TimeInterval?
    public let durationHumanized: String?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        runID = fields.int("run_id")
        accountID = fields.int("account_id")
        index = fields.int("index")
        status = fields.int("status").map(RunStatus.init(code:))
        statusHumanized = fields.string("status_humanized")
        name = fields.string("name")
        logs = fields.string("logs")
        debugLogs = fields.string("debug_logs")
        truncatedDebugLogs = fields.string("truncated_debug_logs")
        createdAt = fields.date("created_at")
        startedAt = fields.date("started_at")
        finishedAt = fields.date("finished_at")
        duration = fields.duration("duration")
        durationHumanized = fields.string("duration_humanized")
        raw = fields.raw
    }
}

public struct Run: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let triggerID: Int?
    public let accountID: Int?
    public let projectID: Int?
    public let environmentID: Int?
    /// `job_definition_id` (the API duplicates it as `job_id`).
    public let jobID: Int?
    public let status: RunStatus?
    public let statusHumanized: String?
    public let statusMessage: String?
    public let dbtVersion: String?
    public let gitBranch: String?
    public let gitSha: String?
    public let createdAt: Date?
    public let updatedAt: Date?
    public let dequeuedAt: Date?
    public let startedAt: Date?
    public let finishedAt: Date?
    public let duration: TimeInterval?
    public let queuedDuration: TimeInterval?
    public let runDuration: TimeInterval?
    public let durationHumanized: String?
    public let inProgress: Bool?
    public let isComplete: Bool?
    public let isSuccess: Bool?
    public let isError: Bool?
    public let isCancelled: Bool?
    public let hasDocsGenerated: Bool?
    public let hasSourcesGenerated: Bool?
    public let artifactsSaved: Bool?
    public let canRetry: Bool?
    public let retryingRunID: Int?
    public let retryNotSupportedReason: String?
    public let href: String?
    public let trigger: RunTrigger?
    public let environment: Environment?
    /// Empty unless the run was fetched with `include: [.runSteps]`.
    public let steps: [RunStep]
    public let raw: JSONValue

    /// The embedded job, with `include: [.job]` (its `schedule` uses strings, not objects).
    public var job: Job? { raw["job"].flatMap { try? $0.decode(Job.self) } }

    /// True once the run has ended (from `status`, or `is_complete` when the status is unknown).
    public var isFinished: Bool { status?.isTerminal ?? isComplete ?? false }

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        triggerID = fields.int("trigger_id")
        accountID = fields.int("account_id")
        projectID = fields.int("project_id")
        environmentID = fields.int("environment_id")
        jobID = fields.int("job_definition_id") ?? fields.int("job_id")
        status = fields.int("status").map(RunStatus.init(code:))
        statusHumanized = fields.string("status_humanized")
        statusMessage = fields.string("status_message")
        dbtVersion = fields.string("dbt_version")
        gitBranch = fields.string("git_branch")
        gitSha = fields.string("git_sha")
        createdAt = fields.date("created_at")
        updatedAt = fields.date("updated_at")
        dequeuedAt = fields.date("dequeued_at")
        startedAt = fields.date("started_at")
        finishedAt = fields.date("finished_at")
        duration = fields.duration("duration")
        queuedDuration = fields.duration("queued_duration")
        runDuration = fields.duration("run_duration")
        durationHumanized = fields.string("duration_humanized")
        inProgress = fields.bool("in_progress")
        isComplete = fields.bool("is_complete")
        isSuccess = fields.bool("is_success")
        isError = fields.bool("is_error")
        isCancelled = fields.bool("is_cancelled")
        hasDocsGenerated = fields.bool("has_docs_generated")
        hasSourcesGenerated = fields.bool("has_sources_generated")
        artifactsSaved = fields.bool("artifacts_saved")
        canRetry = fields.bool("can_retry")
        retryingRunID = fields.int("retrying_run_id")
        retryNotSupportedReason = fields.string("retry_not_supported_reason")
        href = fields.string("href")
        trigger = fields.nested(RunTrigger.self, "trigger")
        environment = fields.nested(Environment.self, "environment")
        steps = (fields.list(RunStep.self, "run_steps") ?? []).sorted { ($0.index ?? 0) < ($1.index ?? 0) }
        raw = fields.raw
    }
}

/// `GET …/runs/{id}/retry/`: which step failed and which were skipped.
public struct RunFailureDetails: Sendable, Equatable, JSONModel {
    public let failedStep: String?
    public let skippedSteps: [String]
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        failedStep = fields.string("failed_step")
        skippedSteps = fields.strings("skipped_steps") ?? []
        raw = fields.raw
    }
}

public struct Connection: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let accountID: Int?
    public let projectID: Int?
    public let name: String?
    /// `type` in older payloads, `adapter_version` in the account-level v3 API.
    public let type: String?
    public let adapterVersion: String?
    public let state: Int?
    public let createdAt: Date?
    public let updatedAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        accountID = fields.int("account_id")
        projectID = fields.int("project_id")
        name = fields.string("name")
        type = fields.string("type")
        adapterVersion = fields.string("adapter_version")
        state = fields.int("state")
        createdAt = fields.date("created_at")
        updatedAt = fields.date("updated_at")
        raw = fields.raw
    }
}

public struct Repository: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let accountID: Int?
    public let projectID: Int?
    public let remoteURL: String?
    public let remoteBackend: String?
    public let gitCloneStrategy: String?
    public let fullName: String?
    public let state: Int?
    public let createdAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        accountID = fields.int("account_id")
        projectID = fields.int("project_id")
        remoteURL = fields.string("remote_url")
        remoteBackend = fields.string("remote_backend")
        gitCloneStrategy = fields.string("git_clone_strategy")
        fullName = fields.string("full_name")
        state = fields.int("state")
        createdAt = fields.date("created_at")
        raw = fields.raw
    }
}

public struct User: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let firstName: String?
    public let lastName: String?
    public let email: String?
    public let isActive: Bool?
    public let isStaff: Bool?
    public let createdAt: Date?
    public let lastLogin: Date?
    public let raw: JSONValue

    public var fullName: String? {
        let parts = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        firstName = fields.string("first_name")
        lastName = fields.string("last_name")
        email = fields.string("email")
        isActive = fields.bool("is_active")
        isStaff = fields.bool("is_staff")
        createdAt = fields.date("created_at")
        lastLogin = fields.date("last_login")
        raw = fields.raw
    }
}

public struct Group: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let accountID: Int?
    public let name: String?
    public let state: Int?
    public let assignByDefault: Bool?
    public let ssoMappingGroups: [String]?
    public let memberCount: Int?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        accountID = fields.int("account_id")
        name = fields.string("name")
        state = fields.int("state")
        assignByDefault = fields.bool("assign_by_default")
        ssoMappingGroups = fields.strings("sso_mapping_groups")
        memberCount = fields.int("member_count")
        raw = fields.raw
    }
}

public struct ServiceToken: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let uid: String?
    public let accountID: Int?
    public let name: String?
    public let state: Int?
    public let metadataOnly: Bool?
    public let lastUsed: Date?
    public let createdAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        uid = fields.string("uid")
        accountID = fields.int("account_id")
        name = fields.string("name")
        state = fields.int("state")
        metadataOnly = fields.bool("metadata_only")
        lastUsed = fields.date("last_used")
        createdAt = fields.date("created_at")
        raw = fields.raw
    }
}

/// A webhook subscription; its id is a string in the API.
public struct Webhook: Sendable, Equatable, JSONModel, Identifiable {
    public let id: String
    public let accountID: Int?
    public let name: String?
    public let description: String?
    public let eventTypes: [String]?
    /// Empty means every job.
    public let jobIDs: [Int]?
    public let clientURL: String?
    public let active: Bool?
    public let httpStatusCode: String?
    public let dispatchedAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        guard let id = fields.string("id") else {
            throw DecodingError.keyNotFound(AnyKey("id"), .init(codingPath: [], debugDescription: "missing id"))
        }
        self.id = id
        accountID = fields.int("account_id")
        name = fields.string("name")
        description = fields.string("description")
        eventTypes = fields.strings("event_types")
        jobIDs = fields.ints("job_ids")
        clientURL = fields.string("client_url")
        active = fields.bool("active")
        httpStatusCode = fields.string("http_status_code")
        dispatchedAt = fields.date("dispatched_at")
        raw = fields.raw
    }
}

/// A job notification setting (`/api/v2/accounts/{a}/notifications/`).
public struct NotificationSetting: Sendable, Equatable, JSONModel, Identifiable {
    public let id: Int
    public let accountID: Int?
    public let userID: Int?
    /// 1 email, 2 Slack, 3 webhook, 4 external email, 5 Slack v2.
    public let type: Int?
    public let state: Int?
    public let onSuccess: [Int]?
    public let onFailure: [Int]?
    public let onCancel: [Int]?
    public let onWarning: [Int]?
    public let externalEmail: String?
    public let slackChannelName: String?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        id = try fields.requiredID()
        accountID = fields.int("account_id")
        userID = fields.int("user_id")
        type = fields.int("type")
        state = fields.int("state")
        onSuccess = fields.ints("on_success")
        onFailure = fields.ints("on_failure")
        onCancel = fields.ints("on_cancel")
        onWarning = fields.ints("on_warning")
        externalEmail = fields.string("external_email")
        slackChannelName = fields.string("slack_channel_name")
        raw = fields.raw
    }
}

/// An audit log event. The 2022 shape (integer id, `routing_key`, `actor_name`, `logged_at`)
/// and the current one (string id, `event_type`, `actor`, `created_at`) both decode.
public struct AuditLog: Sendable, Equatable, JSONModel, Identifiable {
    public let id: String
    public let accountID: Int?
    public let service: String?
    public let source: String?
    public let eventType: String?
    public let actorName: String?
    public let loggedAt: Date?
    public let raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try LenientFields(json)
        guard let id = fields.string("id") ?? fields.string("uuid") else {
            throw DecodingError.keyNotFound(AnyKey("id"), .init(codingPath: [], debugDescription: "missing id"))
        }
        self.id = id
        accountID = fields.int("account_id")
        service = fields.string("service")
        source = fields.string("source")
        eventType = fields.string("event_type") ?? fields.string("routing_key")
        actorName = fields.string("actor_name") ?? fields.raw["actor"]?["name"]?.stringValue ?? fields.string("actor")
        loggedAt = fields.date("logged_at") ?? fields.date("created_at")
        raw = fields.raw
    }
}
