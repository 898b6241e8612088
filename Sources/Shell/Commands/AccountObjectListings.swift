import DbtCloud

struct AccountsCommand: ShellCommand {
    static let configuration = CommandConfiguration("accounts", summary: "accounts this token can see")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let accounts = try await session.api().accounts().collect()
        session.listings.store(.items(of: accounts), for: .accounts)
        ListingOutput<Account>(columns: ["ID", "NAME", "PLAN"], row: { [String($0.id), $0.name ?? "", $0.plan ?? ""] }, raw: \.raw)
            .print(accounts, output: output, session: session, emptyMessage: "no accounts")
        return 0
    }
}

struct ProjectsCommand: ShellCommand {
    static let configuration = CommandConfiguration("projects", summary: "projects of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let projects = try await session.api().projects(accountID: account).collect()
        session.listings.store(.items(of: projects), for: .projects(account: account))
        ListingOutput<Project>(columns: ["ID", "NAME", "DESCRIPTION"], row: { [String($0.id), $0.name ?? "", $0.description ?? ""] }, raw: \.raw)
            .print(projects, output: output, session: session, emptyMessage: "no projects")
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
        ListingOutput<Environment>(
            columns: ["ID", "NAME", "PROJECT", "TYPE", "DBT VERSION"], numeric: [0, 2],
            row: { [String($0.id), $0.name ?? "", $0.projectID.map(String.init) ?? "", $0.deploymentType ?? $0.type ?? "", $0.dbtVersion ?? ""] },
            raw: \.raw
        ).print(environments, output: output, session: session, emptyMessage: "no environments")
        return 0
    }
}

struct ConnectionsCommand: ShellCommand {
    static let configuration = CommandConfiguration("connections", summary: "warehouse connections of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let connections = try await session.api().connections(accountID: account).collect()
        ListingOutput<Connection>(columns: ["ID", "NAME", "TYPE", "ADAPTER"],
                                  row: { [String($0.id), $0.name ?? "", $0.type ?? "", $0.adapterVersion ?? ""] }, raw: \.raw)
            .print(connections, output: output, session: session, emptyMessage: "no connections")
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
        ListingOutput<Repository>(columns: ["ID", "PROJECT", "REMOTE", "BACKEND"], numeric: [0, 1],
                                  row: { [String($0.id), $0.projectID.map(String.init) ?? "", $0.remoteURL ?? $0.fullName ?? "", $0.remoteBackend ?? ""] },
                                  raw: \.raw)
            .print(repositories, output: output, session: session, emptyMessage: "no repositories")
        return 0
    }
}

struct UsersCommand: ShellCommand {
    static let configuration = CommandConfiguration("users", summary: "users of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let users = try await session.api().users(accountID: account).collect()
        ListingOutput<User>(columns: ["ID", "EMAIL", "NAME"],
                            row: { [String($0.id), $0.email ?? "", [$0.firstName, $0.lastName].compactMap { $0 }.joined(separator: " ")] },
                            raw: \.raw)
            .print(users, output: output, session: session, emptyMessage: "no users")
        return 0
    }
}

struct WebhooksCommand: ShellCommand {
    static let configuration = CommandConfiguration("webhooks", summary: "webhook subscriptions of the account")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let webhooks = try await session.api().webhooks(accountID: account).collect()
        ListingOutput<Webhook>(columns: ["ID", "NAME", "URL", "EVENTS"], numeric: [],
                               row: { [$0.id, $0.name ?? "", $0.clientURL ?? "", ($0.eventTypes ?? []).joined(separator: ",")] },
                               raw: \.raw)
            .print(webhooks, output: output, session: session, emptyMessage: "no webhooks")
        return 0
    }
}
