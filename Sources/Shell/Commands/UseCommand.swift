import DbtCloud

struct UseCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "use", summary: "set a level of the context by id, exact name or unique name prefix",
        discussion: "Setting a job also sets its project and environment; setting a run also sets its job. 'use run latest', 'use run last-failed' and 'use run last-success' pick from the current job's runs. A failed 'use' leaves the context unchanged.",
        examples: ["use account 43", "use project analytics", "use job 'Nightly build'", "use run latest", "use run last-success"])
    @Argument("LEVEL", .contextLevel) var levelWord: String
    @Argument("ID|NAME", help: "id, exact name or unique name prefix of that level") var words: [String]

    static func completionKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind {
        ShellContext.Level.objectKind(declared, after: arguments)
    }

    func run(in session: Session) async throws -> Int32 {
        guard let level = ShellContext.Level.named(levelWord) else {
            let hint = Suggestion.nearest(to: levelWord, in: ShellContext.Level.allCases.map(\.rawValue)).map { " (did you mean \($0)?)" } ?? ""
            throw CommandFailure.usage("use: '\(levelWord)' is not a level\(hint); levels: account, project, environment, job, run")
        }
        let text = words.joined(separator: " ")
        var context = session.context
        let resolver = EntityResolver(session: session)
        switch level {
        case .account:
            let entry = try await resolver.account(text)
            context.clear(from: .account)
            context.account = entry
        case .project:
            let entry = try await resolver.project(text)
            context.clear(from: .project)
            context.project = entry
        case .environment:
            let (entry, projectID) = try await resolver.environment(text)
            if let projectID, projectID != context.project?.id {
                context.project = try await resolver.project(String(projectID))
            }
            context.clear(from: .environment)
            context.environment = entry
        case .job:
            let job = try await resolver.job(text)
            try await ContextFollower(session: session, resolver: resolver).place(job: job, in: &context)
        case .run:
            let run = try await resolver.run(text)
            try await ContextFollower(session: session, resolver: resolver).place(run: run, in: &context)
        }
        session.context = context
        BackgroundRefresh.afterUse(level, session: session)
        return 0
    }
}

/// Moves the levels above a job or run to match it (a job in another project moves the project).
struct ContextFollower {
    let session: Session
    let resolver: EntityResolver

    func place(job: Job, in context: inout ShellContext) async throws {
        if let projectID = job.projectID, projectID != context.project?.id {
            context.project = try? await resolver.project(String(projectID))
            if context.project == nil { context.project = .init(id: projectID) }
        }
        if let environmentID = job.environmentID, environmentID != context.environment?.id {
            let environment = try? await resolver.environmentObject(id: environmentID, project: job.projectID ?? context.project?.id)
            context.environment = .init(id: environmentID, name: environment?.name)
        }
        context.job = .init(id: job.id, name: job.name)
        context.run = nil
    }

    func place(run: Run, in context: inout ShellContext) async throws {
        if let jobID = run.jobID, jobID != context.job?.id {
            let job = try await session.api().job(accountID: try session.requireAccount(), id: jobID)
            try await place(job: job, in: &context)
        }
        context.run = .init(id: run.id, name: run.status?.name)
    }
}

/// After `use`, the listings TAB will want next are fetched in the background.
enum BackgroundRefresh {
    static func afterUse(_ level: ShellContext.Level, session: Session) {
        guard session.interactive else { return }
        let context = session.context
        var keys: [ListingCache.Key] = []
        switch level {
        case .account, .project, .environment:
            if let account = context.account { keys.append(.jobs(account: account.id, project: context.project?.id)) }
        case .job:
            if let account = context.account { keys.append(.runs(account: account.id, job: context.job?.id)) }
        case .run:
            if let run = context.run { keys.append(.steps(run: run.id)) }
        }
        for key in keys {
            session.listings.refresh(key) { try await ListingLoader(session: session).load(key) }
        }
    }
}

struct UnuseCommand: ShellCommand {
    static let configuration = CommandConfiguration("unuse", summary: "clear a level of the context and those below it (default: run)")
    @Argument("LEVEL", .contextLevel, help: "account, project, environment, job or run (default: run)") var word = "run"

    func run(in session: Session) async throws -> Int32 {
        guard let level = ShellContext.Level.named(word) else {
            throw CommandFailure.usage("unuse: '\(word)' is not a level; levels: account, project, environment, job, run")
        }
        session.updateContext { $0.clear(from: level) }
        return 0
    }
}

extension ShellContext.Level {
    /// The kind of object a level names: `use job <TAB>` completes jobs.
    var objectKind: ArgumentKind {
        switch self {
        case .account: .account
        case .project: .project
        case .environment: .environment
        case .job: .job
        case .run: .run
        }
    }

    /// For `use LEVEL ID` and `show LEVEL ID`: the ID is an object of the level typed before it.
    static func objectKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind {
        guard arguments.count >= 1, declared == .text else { return declared }
        return named(arguments[0])?.objectKind ?? .text
    }
}
