import DbtCloud

struct AccountsCommand: ShellCommand {
    var spec: CommandSpec { CommandSpec("accounts", summary: "accounts this token can see") }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let accounts = try await session.api().accounts().collect()
        session.listings.store(.items(of: accounts), for: .accounts)
        ListingOutput<Account>(columns: ["ID", "NAME", "PLAN"], row: { [String($0.id), $0.name ?? "", $0.plan ?? ""] }, raw: \.raw)
            .print(accounts, invocation: invocation, session: session, emptyMessage: "no accounts")
        return 0
    }
}

struct ProjectsCommand: ShellCommand {
    var spec: CommandSpec { CommandSpec("projects", summary: "projects of the account") }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let projects = try await session.api().projects(accountID: account).collect()
        session.listings.store(.items(of: projects), for: .projects(account: account))
        ListingOutput<Project>(columns: ["ID", "NAME", "DESCRIPTION"], row: { [String($0.id), $0.name ?? "", $0.description ?? ""] }, raw: \.raw)
            .print(projects, invocation: invocation, session: session, emptyMessage: "no projects")
        return 0
    }
}

struct EnvironmentsCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("environments", aliases: ["envs"], summary: "environments of the project (or of the account)",
                    flags: [FlagSpec("project", value: .project, valueName: "P", help: "another project")])
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        var project = session.context.project?.id
        if let explicit = invocation.value("project") { project = try await EntityResolver(session: session).project(explicit).id }
        let environments = try await session.api().environments(accountID: account, projectID: project).collect()
        session.listings.store(.items(of: environments),
                               for: .environments(account: account, project: project))
        ListingOutput<Environment>(
            columns: ["ID", "NAME", "PROJECT", "TYPE", "DBT VERSION"], numeric: [0, 2],
            row: { [String($0.id), $0.name ?? "", $0.projectID.map(String.init) ?? "", $0.deploymentType ?? $0.type ?? "", $0.dbtVersion ?? ""] },
            raw: \.raw
        ).print(environments, invocation: invocation, session: session, emptyMessage: "no environments")
        return 0
    }
}

struct ConnectionsCommand: ShellCommand {
    var spec: CommandSpec { CommandSpec("connections", summary: "warehouse connections of the account") }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let connections = try await session.api().connections(accountID: account).collect()
        ListingOutput<Connection>(columns: ["ID", "NAME", "TYPE", "ADAPTER"],
                                  row: { [String($0.id), $0.name ?? "", $0.type ?? "", $0.adapterVersion ?? ""] }, raw: \.raw)
            .print(connections, invocation: invocation, session: session, emptyMessage: "no connections")
        return 0
    }
}

struct RepositoriesCommand: ShellCommand {
    var spec: CommandSpec { CommandSpec("repositories", aliases: ["repos"], summary: "git repositories of the project") }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        guard let project = session.context.project?.id else {
            throw CommandFailure.usage("repositories: no project in context; 'use project ID' first")
        }
        let repositories = try await session.api().repositories(accountID: account, projectID: project).collect()
        ListingOutput<Repository>(columns: ["ID", "PROJECT", "REMOTE", "BACKEND"], numeric: [0, 1],
                                  row: { [String($0.id), $0.projectID.map(String.init) ?? "", $0.remoteURL ?? $0.fullName ?? "", $0.remoteBackend ?? ""] },
                                  raw: \.raw)
            .print(repositories, invocation: invocation, session: session, emptyMessage: "no repositories")
        return 0
    }
}

struct UsersCommand: ShellCommand {
    var spec: CommandSpec { CommandSpec("users", summary: "users of the account") }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let users = try await session.api().users(accountID: account).collect()
        ListingOutput<User>(columns: ["ID", "EMAIL", "NAME"],
                            row: { [String($0.id), $0.email ?? "", [$0.firstName, $0.lastName].compactMap { $0 }.joined(separator: " ")] },
                            raw: \.raw)
            .print(users, invocation: invocation, session: session, emptyMessage: "no users")
        return 0
    }
}

struct WebhooksCommand: ShellCommand {
    var spec: CommandSpec { CommandSpec("webhooks", summary: "webhook subscriptions of the account") }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let webhooks = try await session.api().webhooks(accountID: account).collect()
        ListingOutput<Webhook>(columns: ["ID", "NAME", "URL", "EVENTS"], numeric: [],
                               row: { [$0.id, $0.name ?? "", $0.clientURL ?? "", ($0.eventTypes ?? []).joined(separator: ",")] },
                               raw: \.raw)
            .print(webhooks, invocation: invocation, session: session, emptyMessage: "no webhooks")
        return 0
    }
}
