import Foundation

/// The Discovery API at `POST /graphql`: a real GraphQL parser and executor (Discovery/) over the
/// runs of the world. An environment's applied state is what its newest run with a finished build
/// step produced; `modelHistoricalRuns` reads every such run, newest first.
extension SandboxAPI {
    func discovery(_ request: APIRequest) -> APIResponse {
        guard let body = JSONValue.parse(request.body), let query = body["query"]?.stringValue else {
            return .json(
                GraphQLExecutor.response(
                    data: nil,
                    errors: [GraphQLError(message: "The request body must be JSON with a \"query\" string.", location: nil)]))
        }
        let variables = body["variables"] ?? .object([])
        guard variables.isNull || variables.isObject else {
            return .json(
                GraphQLExecutor.response(
                    data: nil, errors: [GraphQLError(message: "\"variables\" must be a JSON object.", location: nil)]))
        }
        let root = DiscoveryRoot(api: self, now: Date())
        let answer = GraphQLExecutor.run(
            query: query, variables: variables.isNull ? .object([]) : variables,
            operationName: body["operationName"]?.stringValue, root: root)
        return .json(answer)
    }

    /// The environment's runs that applied a project state, newest first; nil when there is no such environment.
    func appliedRuns(environmentID: Int, now: Date) -> [AppliedRun]? {
        world.withLock { world -> [AppliedRun]? in
            guard world.environment(environmentID)?["state"]?.intValue != 2, world.environment(environmentID) != nil else {
                return nil
            }
            return Self.appliedRuns(world.runs.filter { $0.environmentID == environmentID }, now: now)
        }
    }

    /// A job's runs that applied a project state, newest first; nil when there is no such job.
    func appliedRuns(jobID: Int, now: Date) -> [AppliedRun]? {
        world.withLock { world -> [AppliedRun]? in
            guard world.jobs[jobID] != nil else { return nil }
            return Self.appliedRuns(world.runs.filter { $0.jobID == jobID }, now: now)
        }
    }

    private static func appliedRuns(_ runs: [RunRecord], now: Date) -> [AppliedRun] {
        runs.compactMap { run -> AppliedRun? in
            let snapshot = RunSnapshot(run, at: now)
            guard let build = snapshot.steps.first(where: { $0.scheduled.kind == .build && $0.producedArtifacts }),
                let finished = build.finishedAt
            else { return nil }
            let files = snapshot.artifacts(upToStep: build.index)
            guard let manifest = files["manifest.json"],
                let project = DiscoveryProject.load(
                    manifest: manifest, runResults: files["run_results.json"], sources: files["sources.json"])
            else { return nil }
            return AppliedRun(
                runID: run.id, jobID: run.jobID, environmentID: run.environmentID, project: project,
                startedAt: build.startedAt, generatedAt: finished)
        }
        .sorted { ($0.generatedAt, $0.runID) > ($1.generatedAt, $1.runID) }
    }
}
