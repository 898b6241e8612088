import Foundation

/// Create, update and delete of projects, environments and connections (Admin API v3), plus the
/// deprecated project-scoped connection paths that dbt-cloud-cli 0.9.1 still calls.
///
/// Shapes follow the recordings in dbt-cloud-cli's fixtures: a create answers 201 with
/// `status.code: 201`; a delete answers 200 with the object at `state: 2` (the spec says 204; the
/// recorded responses say otherwise), and the object then reads as not found. Invalid bodies get the
/// recorded v3 400 envelope: `data` maps each field to a message.
extension SandboxAPI {
    static let accountObjectWriteRoutes: [Route] = [
        Route("POST", "api/v3/accounts/:a/projects/") { api, request, _ in api.createProject(request) },
        Route("POST", "api/v3/accounts/:a/projects/:id/") { api, request, p in api.updateProject(request, p[1]) },
        Route("DELETE", "api/v3/accounts/:a/projects/:id/") { api, _, p in api.deleteProject(p[1]) },
        Route("POST", "api/v3/accounts/:a/projects/:p/environments/") { api, request, p in api.createEnvironment(request, project: p[1]) },
        Route("POST", "api/v3/accounts/:a/projects/:p/environments/:id/") { api, request, p in
            api.replaceEnvironment(request, project: p[1], id: p[2])
        },
        Route("DELETE", "api/v3/accounts/:a/projects/:p/environments/:id/") { api, _, p in api.deleteEnvironment(project: p[1], id: p[2]) },
        Route("POST", "api/v3/accounts/:a/connections/") { api, request, _ in api.createConnection(request, project: nil) },
        Route("PATCH", "api/v3/accounts/:a/connections/:id/") { api, request, p in api.patchConnection(request, id: p[1], project: nil) },
        Route("DELETE", "api/v3/accounts/:a/connections/:id/") { api, _, p in api.deleteConnection(id: p[1], project: nil) },
        // Deprecated project-scoped connections (dbt-cloud-cli 0.9.1 `connection …`).
        Route("GET", "api/v3/accounts/:a/projects/:p/connections/") { api, request, p in api.listProjectConnections(request, project: p[1]) },
        Route("POST", "api/v3/accounts/:a/projects/:p/connections/") { api, request, p in api.createConnection(request, project: p[1]) },
        Route("GET", "api/v3/accounts/:a/projects/:p/connections/:id/") { api, _, p in api.getProjectConnection(project: p[1], id: p[2]) },
        Route("POST", "api/v3/accounts/:a/projects/:p/connections/:id/") { api, request, p in api.patchConnection(request, id: p[2], project: p[1]) },
        Route("DELETE", "api/v3/accounts/:a/projects/:p/connections/:id/") { api, _, p in api.deleteConnection(id: p[2], project: p[1]) },
    ]

    // MARK: - Projects

    func createProject(_ request: APIRequest) -> APIResponse {
        guard let body = request.jsonObjectBody() else { return Envelope.badRequest("The request body must be a JSON object.") }
        return world.withLock { world in
            if let problem = Self.checkProject(body, id: nil, world: world) { return problem }
            let now = WireFormat.isoTimestamp(Date())
            let id = Self.nextID(world.projects, floor: 100)
            var project = DemoSeed.project(
                id: id, name: "", description: "", connectionID: 0, repositoryID: 0, world: world)
            project = Self.overlay(project, with: body, keeping: ["id", "account_id", "created_at", "updated_at", "connection", "repository"])
            project = project.setting("id", .int(id)).setting("account_id", .int(DemoWorld.accountID)).setting("state", 1)
                .setting("created_at", .string(now)).setting("updated_at", .string(now))
                .setting("description", body["description"] ?? .string(""))
                .setting("type", body["type"] ?? 0)
                .setting("connection_id", body["connection_id"] ?? nil).setting("repository_id", body["repository_id"] ?? nil)
            project = Self.linkProject(project, world: world)
            world.projects.append(project)
            world.auditLogs.append(Self.auditEvent("project.Created", "Project created", name: body["name"], world: world))
            return Envelope.success(project, code: 201)
        }
    }

    /// POST to the item: the body replaces the editable fields; `id`, when sent, must match.
    func updateProject(_ request: APIRequest, _ rawID: String) -> APIResponse {
        guard let body = request.jsonObjectBody() else { return Envelope.badRequest("The request body must be a JSON object.") }
        return world.withLock { world in
            guard let index = Self.activeIndex(of: rawID, in: world.projects) else { return Envelope.notFoundPermissions }
            if let problem = Self.checkProject(body, id: rawID, world: world) { return problem }
            var project = Self.overlay(
                world.projects[index], with: body,
                keeping: ["id", "account_id", "created_at", "updated_at", "connection", "repository", "state"])
            project = Self.linkProject(project.setting("updated_at", .string(WireFormat.isoTimestamp(Date()))), world: world)
            world.projects[index] = project
            world.auditLogs.append(Self.auditEvent("project.Changed", "Project updated", name: project["name"], world: world))
            return Envelope.success(project)
        }
    }

    func deleteProject(_ rawID: String) -> APIResponse {
        world.withLock { world in
            guard let index = Self.activeIndex(of: rawID, in: world.projects) else { return Envelope.notFoundPermissions }
            let project = Self.softDeleted(world.projects[index])
            world.projects[index] = project
            world.auditLogs.append(Self.auditEvent("project.Deleted", "Project deleted", name: project["name"], world: world))
            return Envelope.success(project)
        }
    }

    /// The checks of a project's create (`id` nil) or replace.
    private static func checkProject(_ body: JSONValue, id rawID: String?, world: WorldState) -> APIResponse? {
        var check = FieldCheck(body)
        if let rawID { check.idMatches(rawID) }
        check.requireString("name")
        check.accountMatches()
        check.oneOf("type", [.int(0), .int(1)])
        check.oneOf("state", [.int(1)])
        check.references("connection_id", in: world.connections)
        check.references("repository_id", in: world.repositories)
        return check.response
    }

    private static func linkProject(_ project: JSONValue, world: WorldState) -> JSONValue {
        let connection = project["connection_id"]?.intValue.flatMap { id in world.connections.first { $0["id"]?.intValue == id } }
        let repository = project["repository_id"]?.intValue.flatMap { id in world.repositories.first { $0["id"]?.intValue == id } }
        return project.setting("connection", connection ?? nil).setting("repository", repository ?? nil)
    }

    // MARK: - Environments

    static let environmentEditableDefaults: [(String, JSONValue)] = [
        ("credentials_id", nil), ("extended_attributes_id", nil), ("custom_branch", nil), ("use_custom_branch", false),
        ("dbt_version", "latest"), ("supports_docs", false), ("deployment_type", nil), ("enable_model_query_history", false),
        ("dbt_project_subdirectory", nil),
    ]

    func createEnvironment(_ request: APIRequest, project rawProject: String) -> APIResponse {
        guard let body = request.jsonObjectBody() else { return Envelope.badRequest("The request body must be a JSON object.") }
        return world.withLock { world in
            guard let project = Self.activeItem(rawProject, in: world.projects), let projectID = project["id"]?.intValue else {
                return Envelope.notFoundPermissions
            }
            if let problem = Self.checkEnvironment(body, projectID: projectID, replacing: nil, world: world) { return problem }
            let now = WireFormat.isoTimestamp(Date())
            let id = Self.nextID(world.environments, floor: 200)
            var environment = Self.environmentDocument(id: id, project: project, body: body, createdAt: now)
            environment = environment.setting("updated_at", .string(now))
            world.environments.append(environment)
            world.auditLogs.append(Self.auditEvent("environment.Created", "Environment created", name: body["name"], world: world))
            return Envelope.success(environment, code: 201)
        }
    }

    /// POST to the item is a full replace: "Any omitted fields will be reset to their default values."
    func replaceEnvironment(_ request: APIRequest, project rawProject: String, id rawID: String) -> APIResponse {
        guard let body = request.jsonObjectBody() else { return Envelope.badRequest("The request body must be a JSON object.") }
        return world.withLock { world in
            guard let project = Self.activeItem(rawProject, in: world.projects), let projectID = project["id"]?.intValue,
                let index = Self.activeIndex(of: rawID, in: world.environments),
                world.environments[index]["project_id"]?.intValue == projectID, let id = Int(rawID)
            else { return Envelope.notFoundPermissions }
            var check = FieldCheck(body)
            check.idMatches(rawID)
            if let problem = check.response { return problem }
            if let problem = Self.checkEnvironment(body, projectID: projectID, replacing: id, world: world) { return problem }
            let created = world.environments[index]["created_at"]?.stringValue ?? ""
            let environment = Self.environmentDocument(id: id, project: project, body: body, createdAt: created)
                .setting("updated_at", .string(WireFormat.isoTimestamp(Date())))
            world.environments[index] = environment
            world.auditLogs.append(Self.auditEvent("environment.Changed", "Environment updated", name: body["name"], world: world))
            return Envelope.success(environment)
        }
    }

    func deleteEnvironment(project rawProject: String, id rawID: String) -> APIResponse {
        world.withLock { world in
            guard let index = Self.activeIndex(of: rawID, in: world.environments),
                world.environments[index]["project_id"]?.intValue == Int(rawProject)
            else { return Envelope.notFoundPermissions }
            let environment = Self.softDeleted(world.environments[index])
            world.environments[index] = environment
            world.auditLogs.append(Self.auditEvent("environment.Deleted", "Environment deleted", name: environment["name"], world: world))
            return Envelope.success(environment)
        }
    }

    private static func checkEnvironment(_ body: JSONValue, projectID: Int, replacing: Int?, world: WorldState) -> APIResponse? {
        var check = FieldCheck(body)
        check.requireString("name")
        check.require("type")
        check.accountMatches()
        check.oneOf("type", ["development", "deployment"])
        check.oneOf("deployment_type", ["production", "staging", nil])
        check.oneOf("state", [.int(1)])
        check.references("connection_id", in: world.connections)
        if let given = body["project_id"], given.intValue != projectID {
            check.fail("project_id", "The provided project_id does not match.")
        }
        let siblings = world.environments.filter {
            $0["project_id"]?.intValue == projectID && $0["state"]?.intValue != 2 && $0["id"]?.intValue != replacing
        }
        if body["type"] == "development", siblings.contains(where: { $0["type"] == "development" }) {
            check.fail("type", "A project can have only one development environment.")
        }
        if body["type"] == "development", let deployment = body["deployment_type"], !deployment.isNull {
            check.fail("deployment_type", "Only deployment environments have a deployment type.")
        }
        if body["deployment_type"] == "production", siblings.contains(where: { $0["deployment_type"] == "production" }) {
            check.fail("deployment_type", "A project can have only one production environment.")
        }
        return check.response
    }

    private static func environmentDocument(id: Int, project: JSONValue, body: JSONValue, createdAt: String) -> JSONValue {
        let projectID = project["id"]?.intValue ?? 0
        var document: JSONValue = .object([
            ("id", .int(id)), ("account_id", .int(DemoWorld.accountID)), ("project_id", .int(projectID)),
            ("connection_id", project["connection_id"] ?? nil), ("repository_id", project["repository_id"] ?? nil),
            ("created_by_id", 1), ("name", ""), ("type", "deployment"),
        ])
        for (key, value) in environmentEditableDefaults { document = document.setting(key, value) }
        document = overlay(
            document, with: body, keeping: ["id", "account_id", "project_id", "repository_id", "created_at", "updated_at", "state"])
        return document.setting("raw_dbt_version", document["dbt_version"] ?? "latest").setting("state", 1)
            .setting("created_at", .string(createdAt))
    }

    // MARK: - Connections

    /// The keys `config` must hold for each `adapter_version` (openapi-v3 `*Connection.required`).
    static let adapterRequiredConfig: [String: [String]] = [
        "apache_spark_v0": ["host", "cluster"], "athena_v0": ["region_name", "database", "s3_staging_dir"],
        "bigquery_v0": ["project_id", "private_key_id", "private_key", "client_email", "client_id"],
        "bigquery_v1": ["project_id", "private_key_id", "private_key", "client_email", "client_id"],
        "databricks_v0": ["host", "http_path"], "databricks_spark_v0": ["host"], "fabric_v0": ["server", "database"],
        "postgres_v0": ["hostname", "dbname"], "redshift_v0": ["hostname", "dbname"], "salesforce_v0": ["login_url"],
        "snowflake_v0": ["account", "database", "warehouse"], "synapse_v0": ["host", "database"],
        "teradata_v0": ["host"], "trino_v0": ["host"],
    ]

    /// The older project-scoped form names the warehouse `type` and its settings `details`.
    static let legacyConnectionTypes: [JSONValue] = ["snowflake", "bigquery", "redshift", "postgres", "adapter"]

    func createConnection(_ request: APIRequest, project rawProject: String?) -> APIResponse {
        guard let body = request.jsonObjectBody() else { return Envelope.badRequest("The request body must be a JSON object.") }
        return world.withLock { world in
            if let rawProject, Self.activeItem(rawProject, in: world.projects) == nil { return Envelope.notFoundPermissions }
            var check = FieldCheck(body)
            check.requireString("name")
            check.accountMatches()
            if rawProject == nil {
                check.require("adapter_version")
                check.oneOf("adapter_version", Self.adapterRequiredConfig.keys.sorted().map(JSONValue.string))
                check.requireObject("config")
                if let adapter = body["adapter_version"]?.stringValue, let config = body["config"], config.isObject {
                    for key in Self.adapterRequiredConfig[adapter] ?? [] where config[key]?.isNull != false {
                        check.fail("config.\(key)", "required key not provided")
                    }
                }
            } else {
                check.require("type")
                check.oneOf("type", Self.legacyConnectionTypes)
                check.requireObject("details")
            }
            if let problem = check.response { return problem }
            let now = WireFormat.isoTimestamp(Date())
            let id = Self.nextID(world.connections, floor: 300)
            let adapter = body["adapter_version"]?.stringValue ?? "\(body["type"]?.stringValue ?? "adapter")_v0"
            let settings = body["config"] ?? body["details"] ?? .object([])
            var connection: JSONValue = .object([
                ("id", .int(id)), ("account_id", .int(DemoWorld.accountID)),
                ("project_id", rawProject.flatMap(Int.init).map(JSONValue.int) ?? nil), ("name", body["name"] ?? ""),
                ("type", .string(String(adapter.split(separator: "_").first ?? "adapter"))), ("adapter_version", .string(adapter)),
                ("created_by_id", nil), ("created_by_service_token_id", 20), ("details", settings), ("config", settings),
                ("is_ssh_tunnel_enabled", body["is_ssh_tunnel_enabled"] ?? false), ("private_link_endpoint_id", nil),
                ("oauth_configuration_id", nil), ("state", 1), ("created_at", .string(now)), ("updated_at", .string(now)),
            ])
            connection = Self.withoutSecrets(connection)
            world.connections.append(connection)
            world.auditLogs.append(Self.auditEvent("connection.Created", "Connection created", name: body["name"], world: world))
            return Envelope.success(connection, code: 201)
        }
    }

    /// PATCH (and the deprecated POST to a project's connection): only the given fields change; `config`
    /// keys merge into the stored ones.
    func patchConnection(_ request: APIRequest, id rawID: String, project rawProject: String?) -> APIResponse {
        guard let body = request.jsonObjectBody() else { return Envelope.badRequest("The request body must be a JSON object.") }
        return world.withLock { world in
            guard let index = Self.activeIndex(of: rawID, in: world.connections) else { return Envelope.notFoundPermissions }
            if let rawProject, Self.activeItem(rawProject, in: world.projects) == nil { return Envelope.notFoundPermissions }
            var check = FieldCheck(body)
            check.idMatches(rawID)
            check.accountMatches()
            if body["name"] != nil { check.requireString("name") }
            if body["adapter_version"] != nil, body["adapter_version"] != world.connections[index]["adapter_version"] {
                check.fail("adapter_version", "The adapter of a connection cannot be changed.")
            }
            if let config = body["config"] ?? body["details"], !config.isObject { check.fail("config", "expected an object") }
            if let problem = check.response { return problem }
            var connection = world.connections[index]
            for key in ["name", "is_ssh_tunnel_enabled", "private_link_endpoint_id", "oauth_configuration_id"] {
                if let value = body[key] { connection = connection.setting(key, value) }
            }
            if case .object(let changes)? = body["config"] ?? body["details"] {
                var settings = connection["config"] ?? .object([])
                for (key, value) in changes { settings = settings.setting(key, value) }
                connection = connection.setting("config", settings).setting("details", settings)
            }
            connection = Self.withoutSecrets(connection.setting("updated_at", .string(WireFormat.isoTimestamp(Date()))))
            world.connections[index] = connection
            world.auditLogs.append(Self.auditEvent("connection.Changed", "Connection updated", name: connection["name"], world: world))
            return Envelope.success(connection)
        }
    }

    func deleteConnection(id rawID: String, project rawProject: String?) -> APIResponse {
        world.withLock { world in
            guard let index = Self.activeIndex(of: rawID, in: world.connections) else { return Envelope.notFoundPermissions }
            if let rawProject, Self.activeItem(rawProject, in: world.projects) == nil { return Envelope.notFoundPermissions }
            let connection = Self.softDeleted(world.connections[index])
            world.connections[index] = connection
            world.auditLogs.append(Self.auditEvent("connection.Deleted", "Connection deleted", name: connection["name"], world: world))
            return Envelope.success(connection)
        }
    }

    func listProjectConnections(_ request: APIRequest, project rawProject: String) -> APIResponse {
        let (page, failure) = Page.parse(request)
        guard let page else { return failure ?? Envelope.badRequest("Invalid paging.") }
        return world.withLock { world in
            guard let project = Self.activeItem(rawProject, in: world.projects) else { return Envelope.notFoundPermissions }
            let used = project["connection_id"]?.intValue
            let items = world.connections.filter {
                $0["state"]?.intValue != 2 && ($0["project_id"]?.intValue == project["id"]?.intValue || $0["id"]?.intValue == used)
            }
            return Listing.envelope(
                items, page: page, filters: [("account_id", .int(DemoWorld.accountID)), ("project_id", project["id"] ?? nil)])
        }
    }

    func getProjectConnection(project rawProject: String, id rawID: String) -> APIResponse {
        world.withLock { world in
            guard Self.activeItem(rawProject, in: world.projects) != nil, let connection = Self.activeItem(rawID, in: world.connections)
            else { return Envelope.notFoundPermissions }
            return Envelope.success(connection)
        }
    }

    /// Passwords and private keys are write-only in the API: never echoed back.
    private static func withoutSecrets(_ connection: JSONValue) -> JSONValue {
        let secret: Set = ["password", "private_key", "oauth_client_secret", "token", "client_secret"]
        var result = connection
        for key in ["config", "details"] {
            guard case .object(let pairs)? = connection[key] else { continue }
            result = result.setting(key, .object(pairs.filter { !secret.contains($0.0) }))
        }
        return result
    }

    // MARK: - Shared

    static func activeIndex(of rawID: String, in items: [JSONValue]) -> Int? {
        guard let id = Int(rawID) else { return nil }
        return items.firstIndex { $0["id"]?.intValue == id && $0["state"]?.intValue != 2 }
    }

    static func activeItem(_ rawID: String, in items: [JSONValue]) -> JSONValue? {
        activeIndex(of: rawID, in: items).map { items[$0] }
    }

    static func nextID(_ items: [JSONValue], floor: Int) -> Int {
        max(floor, items.compactMap { $0["id"]?.intValue }.max() ?? floor) + 1
    }

    static func softDeleted(_ object: JSONValue) -> JSONValue {
        object.setting("state", 2).setting("updated_at", .string(WireFormat.isoTimestamp(Date())))
    }

    /// The stored object with the body's fields written over it, except `keeping`.
    static func overlay(_ document: JSONValue, with body: JSONValue, keeping: Set<String>) -> JSONValue {
        guard case .object(let pairs) = body else { return document }
        var result = document
        for (key, value) in pairs where !keeping.contains(key) { result = result.setting(key, value) }
        return result
    }

    static func auditEvent(_ type: String, _ label: String, name: JSONValue?, world: WorldState) -> JSONValue {
        let number = 7_000 + world.auditLogs.count
        return .object([
            ("id", .string("al_\(number)")), ("account_id", .int(DemoWorld.accountID)), ("source", "api"),
            ("service", "dbt_cloud"), ("actor", .object([("id", 20), ("type", "service_token"), ("name", "CI token")])),
            ("event_type", .string(type)), ("event_label", .string(label)),
            ("event_context", .object([("name", name ?? nil)])),
            ("created_at", .string(WireFormat.runTimestamp(Date()))),
        ])
    }
}

/// Collects the field errors of a request body, in the order they are found.
struct FieldCheck {
    let body: JSONValue
    private(set) var errors: [(String, JSONValue)] = []

    init(_ body: JSONValue) { self.body = body }

    var response: APIResponse? { errors.isEmpty ? nil : Envelope.invalid(errors) }

    mutating func fail(_ key: String, _ message: String) {
        guard !errors.contains(where: { $0.0 == key }) else { return }
        errors.append((key, .string(message)))
    }

    mutating func require(_ key: String) {
        if body[key] == nil { fail(key, "required key not provided") }
    }

    mutating func requireString(_ key: String) {
        switch body[key] {
        case nil: fail(key, "required key not provided")
        case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty: break
        case .string?: fail(key, "This field may not be blank.")
        default: fail(key, "expected str")
        }
    }

    mutating func requireObject(_ key: String) {
        switch body[key] {
        case nil: fail(key, "required key not provided")
        case let value? where value.isObject: break
        default: fail(key, "expected an object")
        }
    }

    mutating func oneOf(_ key: String, _ allowed: [JSONValue]) {
        guard let value = body[key], !allowed.contains(value) else { return }
        let names = allowed.map { $0.serialized() }.joined(separator: ", ")
        fail(key, "\(value.serialized()) is not one of \(names)")
    }

    mutating func accountMatches() {
        if let account = body["account_id"], account.intValue != DemoWorld.accountID {
            fail("account_id", "The provided account_id does not match.")
        }
    }

    mutating func idMatches(_ rawID: String) {
        if let id = body["id"], !id.isNull, id.intValue != Int(rawID) { fail("id", "The provided id does not match.") }
    }

    mutating func references(_ key: String, in items: [JSONValue]) {
        guard let value = body[key], !value.isNull else { return }
        guard let id = value.intValue, items.contains(where: { $0["id"]?.intValue == id && $0["state"]?.intValue != 2 }) else {
            fail(key, "No object with id \(value.serialized()).")
            return
        }
    }
}

extension APIRequest {
    /// The body when it is a JSON object.
    func jsonObjectBody() -> JSONValue? {
        guard let body = jsonBody(), body.isObject else { return nil }
        return body
    }
}

extension JSONValue {
    var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}
