import DbtCloud

/// `job delete --all`: every job of a project (or of the account) but those kept, listed first,
/// confirmed, then deleted one by one and reported job by job.
struct BulkJobDelete {
    let session: Session
    let keep: [String]
    let project: String?
    let dryRun: Bool
    let yes: Bool
    let output: OutputOptions

    func run() async throws -> Int32 {
        let command = "job delete --all"
        let account = try session.requireAccount()
        if !dryRun { try Confirmation.requireYesInScripts(yes, command: command, session: session) }
        let resolver = EntityResolver(session: session)
        var scope = session.context.project
        if let project { scope = try await resolver.project(project) }
        let client = try session.api()
        let jobs = try await client.jobsToDelete(accountID: account, projectID: scope?.id, keeping: [])
        let kept = try await keptIDs(among: jobs, resolver: resolver, command: command)
        let doomed = jobs.filter { !kept.contains($0.id) }
        let place = scope.map { AccountObjectTarget(kind: .project, id: $0.id, name: $0.name).label } ?? "the account"
        let spared = kept.isEmpty ? "" : ", keeping \(kept.sorted().map(String.init).joined(separator: ", "))"
        guard !doomed.isEmpty else {
            session.console.errorLine("no jobs to delete in \(place)\(spared)")
            return 0
        }
        let plan = BulkPlan<Job>(session: session, command: command, headers: ["ID", "NAME", "ENVIRONMENT"], numeric: [0, 2], raw: \.raw) {
            [String($0.id), $0.name ?? "", $0.environmentID.map(String.init) ?? ""]
        }
        guard try plan.approved(doomed, dryRun: dryRun, yes: yes, output: output,
                                wouldDo: "would delete \(doomed.count) of the \(jobs.count) jobs of \(place)\(spared)",
                                intro: "\(doomed.count) of the \(jobs.count) jobs of \(place) to delete\(spared):",
                                question: "delete \(doomed.count == 1 ? "this job" : "these \(doomed.count) jobs")?",
                                declined: "nothing was deleted") else { return 0 }
        let change = BulkChange<Job>(
            session: session, command: "job delete", progressVerb: "deleting", label: { "job \($0.id)" },
            identify: { job in ([String(job.id), job.name ?? ""], ["id": .int(job.id), "name": job.name.map(JSONValue.string) ?? .null]) })
        let outcomes = try await change.apply(doomed) { job in
            do {
                _ = try await client.deleteJob(accountID: account, id: job.id)
                return (.done, "deleted")
            } catch let error as DbtCloudError where error.kind == .notFound {
                return (.unchanged, "already deleted")
            }
        }
        let deleted = Set(outcomes.filter { $0.failure == nil }.compactMap { $0.fields["id"]?.intValue })
        session.updateContext { context in
            if let job = context.job?.id, deleted.contains(job) { context.clear(from: .job) }
        }
        return try change.report(outcomes, of: doomed.count, headers: ["JOB", "NAME"], noun: "job", doneWord: "deleted",
                                 unchangedWord: "already deleted", output: output)
    }

    /// The job ids of `--keep` (ids, `ID,ID` lists or names); each must name a job in scope, so a
    /// typo cannot delete the job it meant to keep.
    private func keptIDs(among jobs: [Job], resolver: EntityResolver, command: String) async throws -> Set<Int> {
        var ids: Set<Int> = []
        let words = keep.flatMap { $0.split(separator: ",").map { String($0).trimmingWhitespace } }.filter { !$0.isEmpty }
        for word in words {
            var id = Int(word) ?? 0
            if Int(word) == nil { id = try await resolver.job(word).id }
            guard jobs.contains(where: { $0.id == id }) else {
                throw CommandFailure.usage("\(command): --keep \(word) is not one of the jobs in scope; nothing was deleted")
            }
            ids.insert(id)
        }
        return ids
    }
}
