import DbtArtifacts
import DbtCloud
import Dispatch
import Foundation

/// Completes ids from the session's listing cache. A miss starts a refresh and waits for it
/// only briefly, so TAB never freezes the terminal; the next TAB finds the cache filled.
struct LiveCompletionSource: CompletionSource {
    var missDeadline: TimeInterval = 0.8

    func items(for kind: ArgumentKind, matching word: String, session: Session) -> [CompletionItem] {
        guard session.services.client != nil, let key = ListingKeys.key(for: kind, context: session.context) else { return [] }
        let match: ([ListingCache.Item]) -> [CompletionItem] = { items in
            kind == .artifactPath ? PathCompletion.items(items.map(\.id), typed: word) : Self.match(items, word)
        }
        if let items = session.listings.items(for: key) { return match(items) }
        let task = session.listings.refresh(key) { try await ListingLoader(session: session).load(key) }
        if let task { Self.wait(for: task, upTo: missDeadline) }
        return match(session.listings.anyItems(for: key) ?? [])
    }

    /// `loading runs from dbt Cloud… 3s`, or why the last load failed, in one line.
    func message(for kind: ArgumentKind, session: Session) -> String? {
        guard session.services.client != nil, let key = ListingKeys.key(for: kind, context: session.context) else { return nil }
        if let since = session.listings.loadingSince(key) {
            let seconds = max(0, (ContinuousClock.now - since).components.seconds)
            return "loading \(key.noun) from dbt Cloud… \(seconds)s (TAB again to see them)"
        }
        guard let failure = session.listings.failure(for: key) else { return nil }
        let message = ErrorReport.failure(for: failure).message
        return "cannot list \(key.noun): " + (session.services.token.map { $0.redact(message) } ?? message)
    }

    static func wait(for task: Task<Void, Never>, upTo seconds: TimeInterval) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await task.value
            done.signal()
        }
        _ = done.wait(timeout: .now() + seconds)
    }

    /// Ids by prefix; names by prefix, then by substring (any case). Shown as `id  name`.
    static func match(_ items: [ListingCache.Item], _ word: String) -> [CompletionItem] {
        let lowered = word.lowercased()
        let byID = items.filter { $0.id.hasPrefix(word) }
        let chosen: [ListingCache.Item]
        if word.isEmpty || !byID.isEmpty {
            chosen = byID
        } else {
            let prefixed = items.filter { $0.label.lowercased().hasPrefix(lowered) }
            chosen = prefixed.isEmpty ? items.filter { $0.label.lowercased().contains(lowered) } : prefixed
        }
        return chosen.map { CompletionItem($0.id, display: $0.label.isEmpty ? $0.id : "\($0.id)  \($0.label)") }
    }
}

/// Artifact paths completed one folder at a time, as a shell completes file names:
/// `comp<TAB>` gives `compiled/`, then its entries.
enum PathCompletion {
    static func items(_ paths: [String], typed: String) -> [CompletionItem] {
        let folder = typed.lastIndex(of: "/").map { String(typed[...$0]) } ?? ""
        var seen = Set<String>()
        var items: [CompletionItem] = []
        for path in paths where path.hasPrefix(typed) {
            let rest = path.dropFirst(folder.count)
            let item: CompletionItem
            if let slash = rest.firstIndex(of: "/") {
                let name = String(rest[...slash])
                item = CompletionItem(folder + name, display: name, appendsSpace: false)
            } else {
                item = CompletionItem(path, display: String(rest))
            }
            if seen.insert(item.replacement).inserted { items.append(item) }
        }
        return items
    }
}

enum ListingKeys {
    static func key(for kind: ArgumentKind, context: ShellContext) -> ListingCache.Key? {
        switch kind {
        case .account: return .accounts
        case .project: return context.account.map { .projects(account: $0.id) }
        case .environment: return context.account.map { .environments(account: $0.id, project: context.project?.id) }
        case .job: return context.account.map { .jobs(account: $0.id, project: context.project?.id) }
        case .run:
            guard let account = context.account else { return nil }
            return .runs(account: account.id, job: context.job?.id)
        case .step: return context.run.map { .steps(run: $0.id) }
        case .artifactPath: return context.run.map { .artifacts(run: $0.id, step: nil) }
        case .node: return context.run.map { .nodes(run: $0.id) }
        case .relation: return context.run.map { .relations(run: $0.id) }
        default: return nil
        }
    }
}

/// Fetches the listing behind a cache key.
struct ListingLoader {
    let session: Session

    func load(_ key: ListingCache.Key) async throws -> [ListingCache.Item] {
        let client = try session.api()
        switch key {
        case .accounts:
            return .items(of: try await client.accounts().collect())
        case .projects(let account):
            return .items(of: try await client.projects(accountID: account).collect())
        case .environments(let account, let project):
            return .items(of: try await client.environments(accountID: account, projectID: project).collect())
        case .jobs(let account, let project):
            return .items(of: try await client.listJobs(accountID: account, filter: JobFilter(projectID: project)).collect())
        case .runs(let account, let job):
            let page = try await client.runs(accountID: account, filter: RunFilter(jobID: job), limit: 30)
            return page.items.map { run in
                .init(id: String(run.id), label: [run.status?.name ?? "", run.createdAt.map(TimeText.short) ?? ""].joined(separator: "  "))
            }
        case .steps(let run):
            let account = try session.requireAccount()
            let steps = try await client.run(accountID: account, id: run, include: [.runSteps]).steps
            return steps.compactMap { step in
                step.index.map { .init(id: String($0), label: "\(step.name ?? "")  \(step.status?.name ?? "")") }
            }
        case .artifacts(let run, let step):
            let account = try session.requireAccount()
            return try await client.runArtifacts(accountID: account, runID: run, step: step).map { .init(id: $0, label: "") }
        case .nodes(let run):
            let store = ArtifactStore(session: session)
            let results = try await store.runResults(runID: run, step: nil)
            return results.results.map { .init(id: NodeNames.shortName($0.uniqueID), label: $0.status.rawValue) }
        case .relations(let run):
            let (data, _) = try await ArtifactStore(session: session).data(runID: run, path: "catalog.json", step: nil)
            let catalog = try Catalog.decode(data)
            return (catalog.nodes + catalog.sources).map {
                .init(id: NodeNames.shortName($0.uniqueID), label: NodeNames.resourceType(of: $0.uniqueID))
            }
        }
    }
}
