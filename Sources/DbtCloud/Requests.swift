import Foundation

/// Filters of `GET /api/v2/accounts/{a}/jobs/`.
public struct JobFilter: Sendable, Equatable {
    public var projectID: Int?
    public var environmentID: Int?
    /// `name__icontains`.
    public var nameContains: String?
    /// `active` (the API's default), `deleted` or `all`.
    public var state: String?
    public var orderBy: String?
    /// `include_related`: environment, most_recent_run, most_recent_completed_run, …
    public var include: [String]

    public init(
        projectID: Int? = nil, environmentID: Int? = nil, nameContains: String? = nil, state: String? = nil,
        orderBy: String? = nil, include: [String] = []
    ) {
        self.projectID = projectID
        self.environmentID = environmentID
        self.nameContains = nameContains
        self.state = state
        self.orderBy = orderBy
        self.include = include
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let projectID { items.append(("project_id", String(projectID))) }
        if let environmentID { items.append(("environment_id", String(environmentID))) }
        if let nameContains, !nameContains.isEmpty { items.append(("name__icontains", nameContains)) }
        if let state { items.append(("state", state)) }
        if let orderBy { items.append(("order_by", orderBy)) }
        if !include.isEmpty { items.append(("include_related", QueryEncoding.jsonList(include))) }
        return items
    }
}

/// Filters of `GET /api/v2/accounts/{a}/runs/`. Newest first by default (`order_by=-id`).
public struct RunFilter: Sendable, Equatable {
    public var jobID: Int?
    public var projectID: Int?
    public var environmentID: Int?
    /// One status is sent as `status=20`, several as `status__in=[10,20]`.
    public var statuses: [RunStatus]
    public var orderBy: String
    /// `include_related` for lists: trigger, job, audit, debug_logs.
    public var include: [RunInclude]

    public init(
        jobID: Int? = nil, projectID: Int? = nil, environmentID: Int? = nil, statuses: [RunStatus] = [],
        orderBy: String = "-id", include: [RunInclude] = []
    ) {
        self.jobID = jobID
        self.projectID = projectID
        self.environmentID = environmentID
        self.statuses = statuses
        self.orderBy = orderBy
        self.include = include
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let jobID { items.append(("job_definition_id", String(jobID))) }
        if let projectID { items.append(("project_id", String(projectID))) }
        if let environmentID { items.append(("environment_id", String(environmentID))) }
        if statuses.count == 1 {
            items.append(("status", String(statuses[0].code)))
        } else if statuses.count > 1 {
            items.append(("status__in", "[" + statuses.map { String($0.code) }.joined(separator: ",") + "]"))
        }
        items.append(("order_by", orderBy))
        if !include.isEmpty { items.append(("include_related", QueryEncoding.jsonList(include.map(\.rawValue)))) }
        return items
    }
}

/// Related objects a run can carry (`include_related`).
public enum RunInclude: String, Sendable, CaseIterable {
    case trigger
    case job
    case environment
    case repository
    case runSteps = "run_steps"
    case runRetries = "run_retries"
    case audit
    /// Full (not truncated) step debug logs.
    case debugLogs = "debug_logs"
}

/// The body of `POST …/jobs/{id}/run/`: a cause and any overrides. Nil fields are not sent.
public struct TriggerRunRequest: Sendable, Equatable {
    public var cause: String
    public var gitSHA: String?
    public var gitBranch: String?
    public var azurePullRequestID: Int?
    public var githubPullRequestID: Int?
    public var gitlabMergeRequestID: Int?
    public var nonNativePullRequestID: Int?
    public var schemaOverride: String?
    public var dbtVersionOverride: String?
    public var threadsOverride: Int?
    public var targetNameOverride: String?
    public var generateDocsOverride: Bool?
    public var timeoutSecondsOverride: Int?
    public var stepsOverride: [String]?

    public init(
        cause: String = "Triggered from dbtsh", gitSHA: String? = nil, gitBranch: String? = nil,
        azurePullRequestID: Int? = nil, githubPullRequestID: Int? = nil, gitlabMergeRequestID: Int? = nil,
        nonNativePullRequestID: Int? = nil, schemaOverride: String? = nil, dbtVersionOverride: String? = nil,
        threadsOverride: Int? = nil, targetNameOverride: String? = nil, generateDocsOverride: Bool? = nil,
        timeoutSecondsOverride: Int? = nil, stepsOverride: [String]? = nil
    ) {
        self.cause = cause
        self.gitSHA = gitSHA
        self.gitBranch = gitBranch
        self.azurePullRequestID = azurePullRequestID
        self.githubPullRequestID = githubPullRequestID
        self.gitlabMergeRequestID = gitlabMergeRequestID
        self.nonNativePullRequestID = nonNativePullRequestID
        self.schemaOverride = schemaOverride
        self.dbtVersionOverride = dbtVersionOverride
        self.threadsOverride = threadsOverride
        self.targetNameOverride = targetNameOverride
        self.generateDocsOverride = generateDocsOverride
        self.timeoutSecondsOverride = timeoutSecondsOverride
        self.stepsOverride = stepsOverride
    }

    public var json: JSONValue {
        var body: [String: JSONValue] = ["cause": .string(cause.isEmpty ? "Triggered from dbtsh" : cause)]
        func put(_ key: String, _ value: JSONValue?) { if let value { body[key] = value } }
        put("git_sha", gitSHA.map(JSONValue.string))
        put("git_branch", gitBranch.map(JSONValue.string))
        put("azure_pull_request_id", azurePullRequestID.map(JSONValue.int))
        put("github_pull_request_id", githubPullRequestID.map(JSONValue.int))
        put("gitlab_merge_request_id", gitlabMergeRequestID.map(JSONValue.int))
        put("non_native_pull_request_id", nonNativePullRequestID.map(JSONValue.int))
        put("schema_override", schemaOverride.map(JSONValue.string))
        put("dbt_version_override", dbtVersionOverride.map(JSONValue.string))
        put("threads_override", threadsOverride.map(JSONValue.int))
        put("target_name_override", targetNameOverride.map(JSONValue.string))
        put("generate_docs_override", generateDocsOverride.map(JSONValue.bool))
        put("timeout_seconds_override", timeoutSecondsOverride.map(JSONValue.int))
        put("steps_override", stepsOverride.map { .array($0.map(JSONValue.string)) })
        return .object(body)
    }
}

enum QueryEncoding {
    /// `["run_steps","debug_logs"]`: the form CONTRACT §3.1 asks clients to send.
    static func jsonList(_ values: [String]) -> String {
        JSONValue.array(values.map(JSONValue.string)).compactText
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ items: [(String, String)]) -> String {
        items.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? name) + "="
                + (value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value)
        }.joined(separator: "&")
    }

    static func encodePathSegment(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: unreserved.union(CharacterSet(charactersIn: "@:!$&'()*+,;="))) ?? segment
    }
}

/// Artifact paths come from users and servers: relative to `target/`, no `..`, no empty segments.
/// The one validator: the client checks before every request, the shell before it starts.
public enum ArtifactPath {
    public static func validate(_ path: String) throws -> String {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        let segments = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("/"), !trimmed.hasPrefix("~"), !trimmed.contains("\\"),
            !trimmed.contains("\0"), segments.allSatisfy({ !$0.isEmpty && $0 != ".." && $0 != "." })
        else {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: "artifact path `\(path)` is not allowed: it must be relative to target/ (like run_results.json or compiled/a/b.sql), with no `..`")
        }
        return trimmed
    }
}
