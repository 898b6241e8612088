import Foundation

// Admin API v3 account administration (and the v2-only notifications).
extension DbtCloudClient {
    /// `GET /api/v3/accounts/`: the accounts the token can see (deprecated for PATs, still served).
    public func accounts() -> PagedSequence<Account> {
        list(Account.self, path: "/api/v3/accounts/")
    }

    /// The account id when the token sees exactly one account (dbt_cloud.yml files of the older
    /// format carry no account id); nil when it sees none or several.
    public func soleAccountID() async throws -> Int? {
        let accounts = try await accounts().prefix(items: 2).collect()
        return accounts.count == 1 ? accounts[0].id : nil
    }

    public func projects(accountID: Int, nameContains: String? = nil) -> PagedSequence<Project> {
        var query: [(String, String)] = []
        if let nameContains, !nameContains.isEmpty { query.append(("name__icontains", nameContains)) }
        return list(Project.self, path: Self.v3AccountPath(accountID, "projects/"), query: query)
    }

    public func project(accountID: Int, id: Int) async throws -> Project {
        try await getObject(Project.self, Self.v3AccountPath(accountID, "projects/\(id)/"))
    }

    /// The environments of a project (`projects/{p}/environments/`), or of the whole account when
    /// `projectID` is nil (`environments/`, the account-wide form TF and DBTC use).
    public func environments(accountID: Int, projectID: Int? = nil) -> PagedSequence<Environment> {
        if let projectID {
            return list(Environment.self, path: Self.v3AccountPath(accountID, "projects/\(projectID)/environments/"))
        }
        return list(Environment.self, path: Self.v3AccountPath(accountID, "environments/"))
    }

    /// One environment; without `projectID` the account-wide path (`environments/{id}/`) is used.
    public func environment(accountID: Int, projectID: Int? = nil, id: Int) async throws -> Environment {
        if let projectID {
            return try await getObject(
                Environment.self, Self.v3AccountPath(accountID, "projects/\(projectID)/environments/\(id)/"))
        }
        return try await getObject(Environment.self, Self.v3AccountPath(accountID, "environments/\(id)/"))
    }

    /// Account-level connections (`/api/v3/accounts/{a}/connections/`).
    public func connections(accountID: Int) -> PagedSequence<Connection> {
        list(Connection.self, path: Self.v3AccountPath(accountID, "connections/"))
    }

    public func connection(accountID: Int, id: Int) async throws -> Connection {
        try await getObject(Connection.self, Self.v3AccountPath(accountID, "connections/\(id)/"))
    }

    public func repositories(accountID: Int, projectID: Int) -> PagedSequence<Repository> {
        list(Repository.self, path: Self.v3AccountPath(accountID, "projects/\(projectID)/repositories/"))
    }

    public func repository(accountID: Int, projectID: Int, id: Int) async throws -> Repository {
        try await getObject(Repository.self, Self.v3AccountPath(accountID, "projects/\(projectID)/repositories/\(id)/"))
    }

    public func users(accountID: Int) -> PagedSequence<User> {
        list(User.self, path: Self.v3AccountPath(accountID, "users/"))
    }

    public func user(accountID: Int, id: Int) async throws -> User {
        try await getObject(User.self, Self.v3AccountPath(accountID, "users/\(id)/"))
    }

    public func groups(accountID: Int) -> PagedSequence<Group> {
        list(Group.self, path: Self.v3AccountPath(accountID, "groups/"))
    }

    public func group(accountID: Int, id: Int) async throws -> Group {
        try await getObject(Group.self, Self.v3AccountPath(accountID, "groups/\(id)/"))
    }

    public func serviceTokens(accountID: Int) -> PagedSequence<ServiceToken> {
        list(ServiceToken.self, path: Self.v3AccountPath(accountID, "service-tokens/"))
    }

    public func serviceToken(accountID: Int, id: Int) async throws -> ServiceToken {
        try await getObject(ServiceToken.self, Self.v3AccountPath(accountID, "service-tokens/\(id)/"))
    }

    /// Webhook subscriptions (`webhooks/subscriptions`, no trailing slash in the spec).
    public func webhooks(accountID: Int) -> PagedSequence<Webhook> {
        list(Webhook.self, path: Self.v3AccountPath(accountID, "webhooks/subscriptions"))
    }

    /// One subscription by its string id (`webhooks/subscription/{id}`, no trailing slash).
    public func webhook(accountID: Int, id: String) async throws -> Webhook {
        try await getObject(
            Webhook.self, Self.v3AccountPath(accountID, "webhooks/subscription/\(QueryEncoding.encodePathSegment(id))"))
    }

    /// Job notification settings (`/api/v2/accounts/{a}/notifications/`).
    public func notifications(accountID: Int) -> PagedSequence<NotificationSetting> {
        list(NotificationSetting.self, path: Self.accountPath(accountID, "notifications/"))
    }

    public func notification(accountID: Int, id: Int) async throws -> NotificationSetting {
        try await getObject(NotificationSetting.self, Self.accountPath(accountID, "notifications/\(id)/"))
    }

    /// Audit log events (enterprise), optionally between two `YYYY-MM-DD` days.
    public func auditLogs(accountID: Int, from start: String? = nil, to end: String? = nil) -> PagedSequence<AuditLog> {
        var query: [(String, String)] = []
        if let start { query.append(("logged_at_start", start)) }
        if let end { query.append(("logged_at_end", end)) }
        return list(AuditLog.self, path: Self.v3AccountPath(accountID, "audit-logs/"), query: query)
    }
}
