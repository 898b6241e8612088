import DbtCloud

/// Turns what a user typed (an id, an exact name, a unique name prefix, `latest`…) into an
/// object of the account, listing what is ambiguous.
struct EntityResolver {
    let session: Session

    func account(_ text: String) async throws -> ShellContext.Entry {
        let client = try session.api()
        let accounts = try await client.accounts().collect()
        session.listings.store(.items(of: accounts), for: .accounts)
        return try pick(text, kind: "account", from: accounts.map { ($0.id, $0.name) })
    }

    func project(_ text: String) async throws -> ShellContext.Entry {
        let client = try session.api()
        let account = try session.requireAccount()
        let projects = try await client.projects(accountID: account).collect()
        session.listings.store(.items(of: projects), for: .projects(account: account))
        return try pick(text, kind: "project", from: projects.map { ($0.id, $0.name) })
    }

    /// An environment of the context's project, by id, name or prefix; an id is looked up in
    /// the whole account, so that its own project is known.
    func environment(_ text: String) async throws -> (entry: ShellContext.Entry, projectID: Int?) {
        let client = try session.api()
        let account = try session.requireAccount()
        let project = Int(text) == nil ? session.context.project?.id : nil
        let environments = try await client.environments(accountID: account, projectID: project).collect()
        session.listings.store(.items(of: environments),
                               for: .environments(account: account, project: project))
        let entry = try pick(text, kind: "environment", from: environments.map { ($0.id, $0.name) })
        return (entry, environments.first { $0.id == entry.id }?.projectID)
    }

    /// One environment by id: through `project` when given and right, else found in the
    /// account's environments (an environment's path needs its own project).
    func environmentObject(id: Int, project: Int?) async throws -> Environment {
        let client = try session.api()
        let account = try session.requireAccount()
        if let project {
            do {
                return try await client.environment(accountID: account, projectID: project, id: id)
            } catch let error as DbtCloudError where error.kind == .notFound {}
        }
        let environments = try await client.environments(accountID: account).collect()
        session.listings.store(.items(of: environments), for: .environments(account: account, project: nil))
        guard let environment = environments.first(where: { $0.id == id }) else {
            throw CommandFailure.apiRefused("no environment with id \(id) in this account (see 'environments')")
        }
        return environment
    }

    func job(_ text: String) async throws -> Job {
        let client = try session.api()
        let account = try session.requireAccount()
        if let id = Int(text) {
            return try await client.job(accountID: account, id: id)
        }
        let jobs = try await client.listJobs(accountID: account).collect()
        session.listings.store(.items(of: jobs), for: .jobs(account: account, project: nil))
        let entry = try pick(text, kind: "job", from: jobs.map { ($0.id, $0.name) })
        return jobs.first { $0.id == entry.id }!
    }

    func run(_ text: String) async throws -> Run {
        let client = try session.api()
        let account = try session.requireAccount()
        switch text.lowercased() {
        case "latest", "last-failed", "last-success":
            guard let job = session.context.job else {
                throw CommandFailure.usage("'\(text)' needs a job in context: 'use job ID' first")
            }
            var filter = RunFilter(jobID: job.id)
            if text.lowercased() == "last-failed" { filter.statuses = [.error] }
            if text.lowercased() == "last-success" { filter.statuses = [.success] }
            let page = try await client.runs(accountID: account, filter: filter, limit: 1)
            guard let run = page.items.first else {
                let kind = ["last-failed": "failed ", "last-success": "successful "][text.lowercased()] ?? ""
                throw CommandFailure.apiRefused("job \(job.id) has no \(kind)runs yet")
            }
            return run
        default:
            guard let id = Int(text) else {
                throw CommandFailure.usage("a run is named by its id, 'latest', 'last-failed' or 'last-success', not '\(text)'")
            }
            return try await client.run(accountID: account, id: id)
        }
    }

    /// Exact id, exact name (any case), then a unique name prefix.
    func pick(_ text: String, kind: String, from candidates: [(Int, String?)]) throws -> ShellContext.Entry {
        if let id = Int(text) {
            guard let match = candidates.first(where: { $0.0 == id }) else {
                throw CommandFailure.apiRefused("no \(kind) with id \(id) in this account (see '\(kind == "environment" ? "environments" : kind + "s")')")
            }
            return .init(id: match.0, name: match.1)
        }
        let lowered = text.lowercased()
        let exact = candidates.filter { $0.1?.lowercased() == lowered }
        if exact.count == 1 { return .init(id: exact[0].0, name: exact[0].1) }
        let prefixed = exact.count > 1 ? exact : candidates.filter { $0.1?.lowercased().hasPrefix(lowered) ?? false }
        if prefixed.count == 1 { return .init(id: prefixed[0].0, name: prefixed[0].1) }
        if prefixed.count > 1 {
            let shown = prefixed.prefix(6).map { "\($0.0) \($0.1 ?? "")" }.joined(separator: ", ")
            let more = prefixed.count > 6 ? ", …" : ""
            throw CommandFailure.usage("'\(text)' matches \(prefixed.count) \(kind)s: \(shown)\(more); use the id")
        }
        let names = candidates.compactMap(\.1)
        let hint = Suggestion.nearest(to: text, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        throw CommandFailure.apiRefused("no \(kind) named '\(text)'\(hint)")
    }
}
