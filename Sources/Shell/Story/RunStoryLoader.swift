import DbtArtifacts
import DbtCloud
import Foundation

/// A run as the debugging commands read it: dbt Cloud's object (with its steps, trigger and
/// job) and the facts the analysis reads from it.
struct LoadedRun: Sendable {
    let run: Run
    let facts: RunFacts

    /// The job's name, from the embedded job.
    var jobName: String? { run.raw["job"]?["name"]?.stringValue }
}

/// A run with the artifacts its story asked for, and the story.
struct ExplainedRun: Sendable {
    let loaded: LoadedRun
    let evidence: RunEvidence
    let story: RunStory
    /// Artifacts the story asked for that dbt Cloud did not have (a 404) or sent unreadable.
    let missing: [EvidenceRequest]

    var run: Run { loaded.run }
    var facts: RunFacts { loaded.facts }
}

/// Loads runs and their stories: one request for the run (steps, trigger and job included),
/// then only the artifacts the story needs, through the artifact cache.
struct RunStoryLoader {
    let session: Session

    static let includes: [RunInclude] = [.runSteps, .trigger, .job]

    /// The run named by `reference` (an id, `latest`, `last-failed`, `last-success`), else the
    /// context's run. An id costs one request; a name costs one more (the listing).
    func run(named reference: String?) async throws -> LoadedRun {
        if let reference, let id = Int(reference) { return try await run(id) }
        if let reference { return try await run(try await EntityResolver(session: session).run(reference).id) }
        return try await run(try await session.requireRun())
    }

    /// One request: the run with its steps, trigger and job.
    func run(_ runID: Int) async throws -> LoadedRun {
        let account = try session.requireAccount()
        let run = try await session.api().run(accountID: account, id: runID, include: Self.includes)
        return try loaded(run)
    }

    func loaded(_ run: Run) throws -> LoadedRun {
        let facts: RunFacts
        do {
            facts = try RunFacts.decode(run.raw.data)
        } catch {
            throw CommandFailure("dbt Cloud sent run \(run.id) in a form dbtsh cannot read: \(error.description)", exitCode: ExitCode.network)
        }
        if run.isFinished, !run.steps.isEmpty { session.finishedRuns.remember(run.id, steps: run.steps) }
        return LoadedRun(run: run, facts: facts)
    }

    func explain(_ runID: Int) async throws -> ExplainedRun {
        try await explain(try await run(runID))
    }

    /// The story of `loaded`, with the artifacts it asks for (fetched together, cached on disk).
    func explain(_ loaded: LoadedRun) async throws -> ExplainedRun {
        let requests = RunStory.evidenceNeeded(for: loaded.facts)
        let store = ArtifactStore(session: session)
        let runID = loaded.run.id
        let fetched = try await withThrowingTaskGroup(of: (EvidenceRequest, Data?).self) { group in
            for request in requests {
                group.addTask {
                    do {
                        return (request, try await store.data(runID: runID, path: request.path, step: request.step).data)
                    } catch where MissingArtifact.isMissing(error) {
                        return (request, nil)
                    }
                }
            }
            var all: [(EvidenceRequest, Data?)] = []
            for try await item in group { all.append(item) }
            return all
        }
        var evidence = RunEvidence()
        var missing: [EvidenceRequest] = []
        for (request, data) in fetched {
            guard let data else {
                missing.append(request)
                continue
            }
            do {
                switch request {
                case .runResults: evidence.runResults = try RunResults.decode(data)
                case .manifest: evidence.manifest = try Manifest.decode(data)
                case .sources: evidence.sources = try SourceFreshness.decode(data)
                }
            } catch {
                session.console.errorLine("note: \(request.path) of step \(request.step) is unreadable (\(error.description)); left out")
                missing.append(request)
            }
        }
        return ExplainedRun(loaded: loaded, evidence: evidence, story: RunStory(run: loaded.facts, evidence: evidence), missing: missing)
    }
}
