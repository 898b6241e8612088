import DbtCloud

/// Names for ids that came into the context without one (`--account 43`, `DBT_CLOUD_JOB_ID`),
/// and the accounts the token sees, so that the prompt and `context` tell accounts apart.
struct ContextNames {
    let session: Session

    /// Fetches what is missing and names the levels whose id is still in the context.
    /// A level that cannot be fetched keeps its bare id.
    func fill() async {
        let context = session.context
        guard let client = try? session.api(), let account = context.account else { return }
        let accountID = account.id
        func unnamed(_ level: ShellContext.Level) -> Int? { context[level].flatMap { $0.name == nil ? $0.id : nil } }
        let names = await withTaskGroup(of: (ShellContext.Level, String?).self) { group in
            group.addTask { (.account, await accountName(account, client: client)) }
            if let id = unnamed(.project) {
                group.addTask { (.project, try? await client.project(accountID: accountID, id: id).name) }
            }
            if let id = unnamed(.environment) {
                let project = context.project?.id
                group.addTask { (.environment, try? await EntityResolver(session: session).environmentObject(id: id, project: project).name) }
            }
            if let id = unnamed(.job) {
                group.addTask { (.job, try? await client.job(accountID: accountID, id: id).name) }
            }
            var found: [ShellContext.Level: String] = [:]
            for await (level, name) in group {
                if let name, !name.isEmpty { found[level] = name }
            }
            return found
        }
        session.updateContext { current in
            for (level, name) in names where current[level]?.id == context[level]?.id && current[level]?.name == nil {
                current[level]?.name = name
            }
        }
    }

    /// The account's name, from the list of accounts (kept for the prompt) or the account itself.
    private func accountName(_ account: ShellContext.Entry, client: DbtCloudClient) async -> String? {
        if session.listings.anyItems(for: .accounts) == nil, let accounts = try? await client.accounts().collect() {
            session.listings.store(.items(of: accounts), for: .accounts)
        }
        if let name = account.name { return name }
        if let listed = session.listings.anyItems(for: .accounts)?.first(where: { $0.id == String(account.id) }), !listed.label.isEmpty {
            return listed.label
        }
        return try? await client.account(id: account.id).name
    }
}

extension Session {
    /// Names the context's bare ids, waiting at most `seconds` (the names arrive later when
    /// dbt Cloud is slower: the next prompt shows them). The lookups run apart from the
    /// command that asks, so their retries print no notices and cannot hold it up.
    public func nameTheContext(waitingAtMost seconds: Double) async {
        let filling = Task.detached { await ContextNames(session: self).fill() }
        _ = try? await Deadline.run(within: seconds) { await filling.value }
    }
}
