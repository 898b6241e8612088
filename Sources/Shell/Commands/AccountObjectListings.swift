import Foundation
import DbtCloud

struct AccountsCommand: ShellCommand {
    static let configuration = CommandConfiguration("accounts", summary: "accounts this token can see")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let accounts = try await session.api().accounts().collect()
        session.listings.store(.items(of: accounts), for: .accounts)
        try Self.listing.print(accounts, output: output, session: session, emptyMessage: "no accounts", command: "accounts")
        return 0
    }

    /// Also what `login` shows of the accounts a token sees.
    static var listing: ListingOutput<Account> {
        ListingOutput<Account>(fields: [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.id) },
            .raw("name", .init("NAME", priority: 1), raw: \.raw),
            .raw("plan", .init("PLAN", priority: 2), raw: \.raw),
        ], raw: \.raw)
    }
}

struct ProjectsCommand: ShellCommand {
    static let configuration = CommandConfiguration("projects", summary: "projects of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let projects = try await session.api().projects(accountID: account).collect()
        session.listings.store(.items(of: projects), for: .projects(account: account))
        try ListingOutput<Project>(fields: [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.id) },
            .raw("name", .init("NAME", priority: 1), raw: \.raw),
            .raw("description", .init("DESCRIPTION", priority: 3), raw: \.raw),
        ], raw: \.raw).print(projects, output: output, session: session, emptyMessage: "no projects", command: "projects")
        return 0
    }
}

struct EnvironmentsCommand: ShellCommand {
    static let configuration = CommandConfiguration("environments", aliases: ["envs"], summary: "environments of the project (or of the account)")
    @Option("project", .project, valueName: "P", help: "another project") var project: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        var project = session.context.project?.id
        if let explicit = self.project { project = try await EntityResolver(session: session).project(explicit).id }
        let environments = try await session.api().environments(accountID: account, projectID: project).collect()
        session.listings.store(.items(of: environments),
                               for: .environments(account: account, project: project))
        try ListingOutput<Environment>(fields: [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.id) },
            .raw("name", .init("NAME", priority: 1), raw: \.raw),
            .raw("project_id", .init("PROJECT", alignment: .right, priority: 3, truncates: false), raw: \.raw),
            .init("environment_type", .init("TYPE", priority: 2, truncates: false)) { .string($0.deploymentType ?? $0.type ?? "") },
            .raw("dbt_version", .init("DBT VERSION", priority: 4), raw: \.raw),
        ], raw: \.raw).print(environments, output: output, session: session, emptyMessage: "no environments", command: "environments")
        return 0
    }
}

struct ConnectionsCommand: ShellCommand {
    static let configuration = CommandConfiguration("connections", summary: "warehouse connections of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let connections = try await session.api().connections(accountID: account).collect()
        try ListingOutput<Connection>(fields: [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.id) },
            .raw("name", .init("NAME", priority: 1), raw: \.raw),
            .init("type", .init("TYPE", priority: 2, truncates: false)) { .string($0.warehouse ?? "") },
            .raw("adapter_version", .init("ADAPTER", priority: 3), raw: \.raw),
        ], raw: \.raw).print(connections, output: output, session: session, emptyMessage: "no connections", command: "connections")
        return 0
    }
}

struct RepositoriesCommand: ShellCommand {
    static let configuration = CommandConfiguration("repositories", aliases: ["repos"], summary: "git repositories of the project")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        guard let project = session.context.project?.id else {
            throw CommandFailure.usage("repositories: no project in context; 'use project ID' first")
        }
        let repositories = try await session.api().repositories(accountID: account, projectID: project).collect()
        try ListingOutput<Repository>(fields: [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.id) },
            .raw("project_id", .init("PROJECT", alignment: .right, priority: 3, truncates: false), raw: \.raw),
            .init("remote", .init("REMOTE", priority: 1)) { .string($0.remoteURL ?? $0.fullName ?? "") },
            .raw("remote_backend", .init("BACKEND", priority: 2), raw: \.raw),
        ], raw: \.raw).print(repositories, output: output, session: session, emptyMessage: "no repositories", command: "repositories")
        return 0
    }
}

struct UsersCommand: ShellCommand {
    static let configuration = CommandConfiguration("users", summary: "users of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let users = try await session.api().users(accountID: account).collect()
        try ListingOutput<User>(fields: [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.id) },
            .raw("email", .init("EMAIL", priority: 1), raw: \.raw),
            .init("name", .init("NAME", priority: 2)) { .string([$0.firstName, $0.lastName].compactMap { $0 }.joined(separator: " ")) },
        ], raw: \.raw).print(users, output: output, session: session, emptyMessage: "no users", command: "users")
        return 0
    }
}

struct WebhooksCommand: ShellCommand {
    static let configuration = CommandConfiguration("webhooks", summary: "webhook subscriptions of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let webhooks = try await session.api().webhooks(accountID: account).collect()
        try ListingOutput<Webhook>(fields: [
            .init("id", .init("ID", priority: 0, truncates: false)) { .string($0.id) },
            .raw("name", .init("NAME", priority: 1), raw: \.raw),
            .raw("client_url", .init("URL", priority: 2), raw: \.raw),
            .raw("event_types", .init("EVENTS", priority: 3), raw: \.raw, text: { ($0.eventTypes ?? []).joined(separator: ",") }),
        ], raw: \.raw).print(webhooks, output: output, session: session, emptyMessage: "no webhooks", command: "webhooks")
        return 0
    }
}

extension Connection {
    /// The warehouse: `type` where the API gives it (connections inside a project), else the
    /// warehouse part of `adapter_version` (`snowflake_v0` → `snowflake`), which is all the
    /// account-level v3 listing has.
    var warehouse: String? {
        if let type, !type.isEmpty { return type }
        guard let adapter = adapterVersion, !adapter.isEmpty else { return nil }
        if let suffix = adapter.range(of: #"_v[0-9]+$"#, options: .regularExpression) {
            return String(adapter[..<suffix.lowerBound])
        }
        return adapter
    }
}
