import Foundation

/// The account objects that can be created, changed and deleted (Admin API v3). dbt-cloud-cli
/// 0.9.1 calls the same project and environment paths; for connections it uses the deprecated
/// project-scoped `projects/{p}/connections/…`, where dbtsh uses the account-level `connections/…`.
public enum AccountObjectKind: String, Sendable, CaseIterable {
    case project, environment, connection

    /// Keys dbt Cloud computes or fills from the path; a definition that sets them is refused
    /// (`--set`) or has them dropped (a file exported with `show … --output json`).
    public var readOnlyKeys: Set<String> {
        let common: Set = ["id", "account_id", "created_at", "updated_at", "created_by_id", "state"]
        switch self {
        case .project:
            return common.union([
                "connection", "repository", "group_permissions", "docs_job", "freshness_job", "skipped_setup", "environments",
            ])
        case .environment:
            return common.union([
                "project_id", "raw_dbt_version", "project", "jobs", "credentials", "custom_environment_variables",
                "is_deferrable", "connection", "repository", "repository_id",
            ])
        case .connection:
            return common.union([
                "project_id", "type", "details", "created_by_service_token_id", "oauth_redirect_uri",
                "is_configured_for_native_oauth", "platform_metadata_credentials_id", "analytics_credentials_id",
            ])
        }
    }

    /// What a create needs besides the defaults below (openapi-v3 `required`, less what dbtsh fills).
    public var requiredKeys: [String] {
        switch self {
        case .project: ["name"]
        case .environment: ["name", "type"]
        case .connection: ["name", "adapter_version", "config"]
        }
    }

    /// Filled in on create when the definition leaves them out (the spec requires them).
    public var createDefaults: [String: JSONValue] {
        switch self {
        case .project: ["type": 0, "state": 1]
        case .environment: ["state": 1, "use_custom_branch": false, "supports_docs": false, "dbt_version": "latest"]
        case .connection: [:]
        }
    }

    /// `POST` of the whole object (projects, environments: a POST replaces, omitted keys reset) or
    /// `PATCH` of the changed keys only (connections).
    public var updateMethod: String { self == .connection ? "PATCH" : "POST" }

    /// The definition without read-only keys, with the create defaults and `account_id` filled in.
    public func createBody(from definition: JSONValue, accountID: Int) throws -> JSONValue {
        guard case .object(let fields) = definition else {
            throw DbtCloudError(kind: .invalidArgument, message: "a \(rawValue) definition must be a JSON object")
        }
        var body = fields.filter { !readOnlyKeys.contains($0.key) }
        for (key, value) in createDefaults where body[key] == nil { body[key] = value }
        body["account_id"] = .int(accountID)
        let missing = requiredKeys.filter { body[$0] == nil || body[$0] == .null }
        guard missing.isEmpty else {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: "a \(rawValue) needs \(missing.map { "`\($0)`" }.joined(separator: ", ")); set it with --set KEY=VALUE or in the file")
        }
        return .object(body)
    }
}

extension DbtCloudClient {
    // MARK: Projects

    /// `POST /api/v3/accounts/{a}/projects/`.
    public func createProject(accountID: Int, definition: JSONValue) async throws -> Project {
        let body = try AccountObjectKind.project.createBody(from: definition, accountID: accountID)
        return try await postObject(Project.self, Self.v3AccountPath(accountID, "projects/"), body: body)
    }

    /// Fetches the project, applies `changes` (top-level or dotted keys) and posts the whole object
    /// back to `POST …/projects/{id}/`.
    public func updateProject(accountID: Int, id: Int, changes: [String: JSONValue]) async throws -> Project {
        let path = Self.v3AccountPath(accountID, "projects/\(id)/")
        let live = try await getObject(Project.self, path).raw
        let body = try Self.replacement(of: live, kind: .project, id: id, changes: changes)
        return try await postObject(Project.self, path, body: body)
    }

    /// `DELETE …/projects/{id}/`: the deleted project (`state: 2`) as the API returns it, nil on a 204.
    @discardableResult
    public func deleteProject(accountID: Int, id: Int) async throws -> Project? {
        try await deleteObject(Project.self, Self.v3AccountPath(accountID, "projects/\(id)/"))
    }

    // MARK: Environments

    /// `POST /api/v3/accounts/{a}/projects/{p}/environments/`; `project_id` is the path's.
    public func createEnvironment(accountID: Int, projectID: Int, definition: JSONValue) async throws -> Environment {
        let body = try AccountObjectKind.environment.createBody(from: definition, accountID: accountID)
            .setting("project_id", to: .int(projectID))
        return try await postObject(Environment.self, Self.v3AccountPath(accountID, "projects/\(projectID)/environments/"), body: body)
    }

    /// Fetches the environment, applies `changes` and posts the whole object back: the API resets
    /// every omitted key to its default, so a partial body would silently clear settings.
    public func updateEnvironment(accountID: Int, projectID: Int, id: Int, changes: [String: JSONValue]) async throws
        -> Environment
    {
        let path = Self.v3AccountPath(accountID, "projects/\(projectID)/environments/\(id)/")
        let live = try await getObject(Environment.self, path).raw
        let body = try Self.replacement(of: live, kind: .environment, id: id, changes: changes)
            .setting("project_id", to: .int(projectID))
        return try await postObject(Environment.self, path, body: body)
    }

    @discardableResult
    public func deleteEnvironment(accountID: Int, projectID: Int, id: Int) async throws -> Environment? {
        try await deleteObject(Environment.self, Self.v3AccountPath(accountID, "projects/\(projectID)/environments/\(id)/"))
    }

    // MARK: Connections (account level)

    /// `POST /api/v3/accounts/{a}/connections/` with `name`, `adapter_version` and `config`.
    public func createConnection(accountID: Int, definition: JSONValue) async throws -> Connection {
        var fields = definition.objectValue ?? [:]
        // A definition exported from the older API names the settings `details`.
        if fields["config"] == nil, let details = fields["details"] { fields["config"] = details }
        let body = try AccountObjectKind.connection.createBody(from: .object(fields), accountID: accountID)
        return try await postObject(Connection.self, Self.v3AccountPath(accountID, "connections/"), body: body)
    }

    /// `PATCH …/connections/{id}/` with only the changed keys (`config.hostname` becomes
    /// `{"config": {"hostname": …}}`; the API merges `config`).
    public func updateConnection(accountID: Int, id: Int, changes: [String: JSONValue]) async throws -> Connection {
        try Self.refuseReadOnly(changes, kind: .connection)
        var body: JSONValue = .object([:])
        for key in changes.keys.sorted() {
            body = body.setting(path: key.split(separator: ".").map(String.init), to: changes[key] ?? .null)
        }
        let path = Self.v3AccountPath(accountID, "connections/\(id)/")
        let response = try await transport.perform(request(.PATCH, path, body: body))
        return try decodeData(from: response, method: "PATCH", path: path, Connection.init(json:))
    }

    @discardableResult
    public func deleteConnection(accountID: Int, id: Int) async throws -> Connection? {
        try await deleteObject(Connection.self, Self.v3AccountPath(accountID, "connections/\(id)/"))
    }

    // MARK: Audit log

    /// Checks a `YYYY-MM-DD` day for the audit-log filters before anything is sent.
    public static func auditLogDay(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        let valid =
            parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
            && (1...12).contains(Int(parts[1]) ?? 0) && (1...31).contains(Int(parts[2]) ?? 0)
        guard valid else {
            throw DbtCloudError(kind: .invalidArgument, message: "`\(text)` is not a day; give YYYY-MM-DD, e.g. 2026-11-28")
        }
        return trimmed
    }

    // MARK: Shared

    /// The live object without read-only keys, with `changes` applied and `id` set: the body of a
    /// POST that replaces the object.
    static func replacement(of live: JSONValue, kind: AccountObjectKind, id: Int, changes: [String: JSONValue]) throws
        -> JSONValue
    {
        try refuseReadOnly(changes, kind: kind)
        guard case .object(var fields) = live else {
            throw DbtCloudError(kind: .invalidResponse, message: "the \(kind.rawValue) is not a JSON object")
        }
        let accountID = fields["account_id"]
        fields = fields.filter { !kind.readOnlyKeys.contains($0.key) }
        var body = JSONValue.object(fields)
        for key in changes.keys.sorted() {
            body = body.setting(path: key.split(separator: ".").map(String.init), to: changes[key] ?? .null)
        }
        body = body.setting("id", to: .int(id))
        if let accountID { body = body.setting("account_id", to: accountID) }
        return body
    }

    static func refuseReadOnly(_ changes: [String: JSONValue], kind: AccountObjectKind) throws {
        let refused = changes.keys.filter { kind.readOnlyKeys.contains(String($0.split(separator: ".").first ?? "")) }.sorted()
        guard refused.isEmpty else {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: "\(refused.map { "`\($0)`" }.joined(separator: ", ")) of a \(kind.rawValue) is set by dbt Cloud and cannot be changed")
        }
    }

    /// A DELETE answered with the soft-deleted object (200, as recorded) or nothing (204, as specified).
    func deleteObject<T: JSONModel>(_ type: T.Type, _ path: String) async throws -> T? {
        let response = try await transport.perform(request(.DELETE, path))
        guard let data = response.data, !data.isNull else { return nil }
        return try? T(json: data)
    }
}
