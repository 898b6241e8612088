import Foundation

/// What happened to a run, in one word.
public enum RunVerdict: String, Sendable, Encodable, CaseIterable {
    case succeeded
    case queued
    case running
    case cancelled
    case timedOut = "timed out"
    /// dbt Cloud's "Clone git repository" step failed.
    case gitClone = "git clone failed"
    /// The profile could not be made or read (dbt Cloud's "Create profile" step, or dbt's profile errors).
    case profile = "profile error"
    /// dbt could not connect to the warehouse before running a node.
    case connection = "connection error"
    case deps = "dbt deps failed"
    /// dbt stopped while parsing or compiling the project, before running anything.
    case compile = "parse or compile error"
    case freshness = "source freshness failed"
    /// Models, seeds, snapshots (and maybe tests) errored.
    case nodeErrors = "node errors"
    /// Only tests failed (typically a `dbt test` step after a green `dbt run`).
    case testFailures = "test failures"
    /// A step ran nodes and failed, but the run has no artifacts: the log is all there is.
    case artifactsNotSaved = "artifacts not saved"
    case unknownFailure = "failed"

    public var isFailure: Bool {
        switch self {
        case .succeeded, .queued, .running: return false
        default: return true
        }
    }
}

/// An artifact the story would like, of one step.
public enum EvidenceRequest: Sendable, Hashable, Encodable {
    case runResults(step: Int)
    case manifest(step: Int)
    case sources(step: Int)

    public var path: String {
        switch self {
        case .runResults: return "run_results.json"
        case .manifest: return "manifest.json"
        case .sources: return "sources.json"
        }
    }

    public var step: Int {
        switch self {
        case .runResults(let step), .manifest(let step), .sources(let step): return step
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("\(path)?step=\(step)")
    }
}

/// The artifacts that were found for the story's step (nil: not fetched, or 404).
public struct RunEvidence: Sendable {
    public var runResults: RunResults?
    public var manifest: Manifest?
    public var sources: SourceFreshness?

    public init(runResults: RunResults? = nil, manifest: Manifest? = nil, sources: SourceFreshness? = nil) {
        self.runResults = runResults
        self.manifest = manifest
        self.sources = sources
    }
}

/// A command worth typing next, independent of how the shell spells it.
public enum NextStep: Sendable, Equatable, Encodable {
    /// Read a step's log.
    case stepLog(step: Int)
    /// Follow a running step's log.
    case followLog(step: Int)
    /// List every failing and skipped node.
    case failures
    case compiledSQL(node: String)
    case lineage(node: String)
    case timeline(node: String)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .stepLog(let step): try container.encode("log of step \(step)")
        case .followLog(let step): try container.encode("follow the log of step \(step)")
        case .failures: try container.encode("failures")
        case .compiledSQL(let node): try container.encode("compiled SQL of \(node)")
        case .lineage(let node): try container.encode("lineage of \(node)")
        case .timeline(let node): try container.encode("timeline of \(node)")
        }
    }
}

/// Everything that can be said about one run from dbt Cloud's run object, its steps' logs and the
/// artifacts of the step that matters: which kind of failure it is, where, the error lines, the
/// failing nodes by kind with the SQL around their errors, what was skipped, what was running.
///
/// Build it in two moves: ask `evidenceNeeded(for:)` which artifacts to fetch (none for a step
/// that never got to write any), fetch them (a 404 is simply absent), then `RunStory(run:evidence:)`.
public struct RunStory: Sendable, Encodable {
    public let runID: Int
    public let verdict: RunVerdict
    /// One line: what happened, where, how long.
    public let headline: String
    /// The step that failed, was cancelled or is running (the last one for a finished run).
    public let step: StepFacts?
    /// The error lines of the step log when they are the evidence (clone, profile, deps,
    /// parse/compile, connection), traceback-free.
    public let errorLines: [String]
    /// The node the error names (`model.lumen_shop.fct_refunds`), when it names one.
    public let namedNode: String?
    /// The file the error names (`models/marts/finance/fct_refunds.sql`).
    public let namedFile: String?
    /// The failing step's run_results, classified.
    public let nodes: NodeFailures?
    /// The failures dbt listed at the end of the log; the evidence when there are no run_results.
    public let loggedFailures: [LoggedFailure]
    public let freshness: FreshnessStory?
    /// Nodes started and not finished when the log ends (running, cancelled, timed out).
    public let unfinished: [StartedNode]
    /// The last lines of the step's log (running, cancelled, timed out, and failures the story cannot read).
    public let logTail: [String]
    /// How long the run had been going (to its end, or now).
    public let runSeconds: Double?
    public let nextSteps: [NextStep]

    public static let tailLength = 15

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", verdict, headline, step, errorLines = "error_lines", namedNode = "named_node"
        case namedFile = "named_file", nodes, loggedFailures = "logged_failures", freshness, unfinished
        case logTail = "log_tail", runSeconds = "run_seconds", nextSteps = "next_steps"
    }

    // MARK: - What to fetch

    /// The step the story is about: the failed one, the cancelled or running one, or for a
    /// finished green run the last step that ran nodes.
    public static func focusStep(of run: RunFacts) -> StepFacts? {
        let steps = run.steps
        switch run.status {
        case .error:
            return steps.first { $0.status == .error } ?? steps.last
        case .cancelled:
            return steps.first { $0.status == .cancelled } ?? steps.last { !$0.status.isFinished } ?? steps.last
        case .success:
            return steps.last { $0.role.executesNodes } ?? steps.last
        default:
            return steps.first { $0.status == .running } ?? steps.last
        }
    }

    /// The artifacts worth fetching for the story: none while a run is going, when it saved
    /// none, or when its step stopped before writing any (the log says so).
    public static func evidenceNeeded(for run: RunFacts) -> [EvidenceRequest] {
        guard run.status.isFinished, run.artifactsSaved != false, let step = focusStep(of: run) else { return [] }
        let role = step.role
        if role.isFreshness { return [.sources(step: step.index)] }
        guard role.executesNodes else { return [] }
        let log = StepLog(step.log)
        if !log.encounteredError.isEmpty, !log.ranNodes { return [] }
        if run.status == .error, !log.ranNodes, !log.lines.isEmpty, log.doneLine == nil, log.reportedFailures.isEmpty {
            return []
        }
        // A cancelled run's story is what ran and what was running: no skip causes to look up.
        if run.status == .cancelled { return [.runResults(step: step.index)] }
        return [.runResults(step: step.index), .manifest(step: step.index)]
    }

    // MARK: - The story

    public init(run: RunFacts, evidence: RunEvidence = RunEvidence()) {
        runID = run.id
        runSeconds = run.runDurationSeconds
        let focus = Self.focusStep(of: run)
        step = focus
        let log = StepLog(focus?.log ?? "")
        var verdict: RunVerdict
        var errorLines: [String] = []
        var nodes: NodeFailures?
        var logged: [LoggedFailure] = []
        var freshness: FreshnessStory?
        var unfinished: [StartedNode] = []
        var tail: [String] = []

        switch run.status {
        case .queued, .starting:
            verdict = .queued
        case .running, .unknown:
            verdict = .running
            unfinished = log.unfinishedNodes
            tail = log.tail(Self.tailLength)
        case .cancelled:
            verdict = .cancelled
            unfinished = Self.cancelledNodes(log)
            tail = log.tail(Self.tailLength)
            if let results = evidence.runResults { nodes = NodeFailures(results: results, manifest: evidence.manifest) }
        case .success:
            verdict = .succeeded
            if let results = evidence.runResults { nodes = NodeFailures(results: results, manifest: evidence.manifest) }
        case .error:
            verdict = .unknownFailure
            if Self.isTimeout(run, log: log) {
                verdict = .timedOut
                unfinished = log.unfinishedNodes
                tail = log.tail(Self.tailLength)
            } else if let focus {
                switch focus.role {
                case .gitClone:
                    verdict = .gitClone
                    errorLines = Self.gitErrorLines(log)
                case .profile:
                    verdict = .profile
                    errorLines = log.encounteredError.isEmpty ? log.tail(5).map(Self.withoutTime) : log.encounteredError
                case .dbt where focus.role.isDeps:
                    verdict = .deps
                    errorLines = log.encounteredError.isEmpty ? log.tail(5).map(Self.withoutTime) : log.encounteredError
                case .dbt where focus.role.isFreshness:
                    verdict = .freshness
                    freshness = FreshnessStory(sources: evidence.sources, log: log)
                    if freshness?.stale.isEmpty != false, freshness?.runtimeErrors.isEmpty != false {
                        errorLines = log.encounteredError
                    }
                case .dbt:
                    let encountered = log.encounteredError
                    if !encountered.isEmpty, !log.ranNodes {
                        verdict = Self.stopVerdict(encountered)
                        errorLines = encountered
                    } else if let results = evidence.runResults, Self.hasProblems(results) {
                        let found = NodeFailures(results: results, manifest: evidence.manifest)
                        nodes = found
                        verdict = found.onlyTestsFailed ? .testFailures : .nodeErrors
                    } else {
                        logged = log.reportedFailures
                        if run.artifactsSaved == false, log.ranNodes {
                            verdict = .artifactsNotSaved
                        } else if !logged.isEmpty {
                            verdict = logged.filter { !$0.isWarning }.allSatisfy { $0.kind.isTest } ? .testFailures : .nodeErrors
                        } else {
                            errorLines = encountered
                            tail = log.tail(Self.tailLength)
                        }
                    }
                case .other:
                    tail = log.tail(Self.tailLength)
                }
            }
        }

        let named = Self.namedNodeAndFile(errorLines)
        self.verdict = verdict
        self.errorLines = errorLines
        namedNode = named.node
        namedFile = named.file
        self.nodes = nodes
        loggedFailures = logged
        self.freshness = freshness
        self.unfinished = unfinished
        logTail = tail
        headline = Headline.make(
            run: run, verdict: verdict, step: focus, errorLines: errorLines, nodes: nodes, logged: logged,
            freshness: freshness, unfinished: unfinished)
        nextSteps = Self.nextSteps(verdict: verdict, step: focus, nodes: nodes)
    }

    // MARK: - Reading

    private static func hasProblems(_ results: RunResults) -> Bool {
        results.results.contains { $0.status.isProblem }
    }

    /// A job timeout: dbt Cloud's status message says so, or the step log ends with it.
    static func isTimeout(_ run: RunFacts, log: StepLog) -> Bool {
        let message = (run.statusMessage ?? "").lowercased()
        if message.contains("timed out") || message.contains("timeout") { return true }
        let last = log.lines.last?.text.lowercased() ?? ""
        return last.contains("timed out") || last.hasPrefix("timeout")
    }

    static let profileMarkers = [
        "Credentials in profile", "Could not find profile named", "Env var required but not provided",
        "profiles.yml", "Profile loading failed", "target not found",
    ]
    static let connectionMarkers = [
        "Cannot open file", "Could not connect", "could not connect", "Connection refused", "connection refused",
        "Failed to connect", "could not translate host name", "Authentication failed", "authentication failed",
        "Incorrect username or password", "password authentication failed", "Connection timed out",
        "timeout expired", "SSL SYSCALL error", "Unable to connect",
    ]

    /// Why dbt stopped before running a node, from its `Encountered an error:` block.
    static func stopVerdict(_ block: [String]) -> RunVerdict {
        let text = block.joined(separator: "\n")
        if profileMarkers.contains(where: { text.contains($0) }) { return .profile }
        if connectionMarkers.contains(where: { text.contains($0) }) { return .connection }
        let first = block.first ?? ""
        if ["Compilation Error", "Parsing Error", "Dependency Error"].contains(where: { first.hasPrefix($0) }) { return .compile }
        return .unknownFailure
    }

    /// git's own error lines (`fatal: …`, `error: …`), else the end of the log.
    static func gitErrorLines(_ log: StepLog) -> [String] {
        let found = log.lines(startingWith: ["fatal:", "error:", "ERROR:", "Permission denied", "remote: ", "Host key verification"])
        return found.isEmpty ? log.tail(5).map(withoutTime) : found
    }

    /// A cancelled dbt prints `CANCEL query model.x` for each query it was running; without
    /// those lines, the nodes it started and did not finish.
    static func cancelledNodes(_ log: StepLog) -> [StartedNode] {
        let cancelled = log.lines(startingWith: ["CANCEL query "])
        if cancelled.isEmpty { return log.unfinishedNodes }
        return cancelled.map { line in
            var rest = String(line.dropFirst("CANCEL query ".count))
            if let bracket = rest.range(of: " [") { rest = String(rest[..<bracket.lowerBound]) }
            while rest.hasSuffix(".") || rest.hasSuffix(" ") { rest.removeLast() }
            return StartedNode(number: 0, total: 0, description: rest, startedAt: nil)
        }
    }

    private static func withoutTime(_ line: String) -> String {
        let parsed = LogLine(line[...])
        return parsed.text
    }

    /// `Model 'model.lumen_shop.fct_refunds' (models/marts/finance/fct_refunds.sql) depends on …`
    /// → ("model.lumen_shop.fct_refunds", "models/marts/finance/fct_refunds.sql");
    /// `Compilation Error in model x (path)` → ("x", "path").
    static func namedNodeAndFile(_ lines: [String]) -> (node: String?, file: String?) {
        let text = lines.joined(separator: "\n")
        var node: String?
        for prefix in ["model.", "test.", "seed.", "snapshot.", "source.", "analysis.", "unit_test.", "exposure."] {
            guard let start = text.range(of: "'\(prefix)") else { continue }
            let rest = text[start.upperBound...]
            if let end = rest.firstIndex(of: "'") {
                node = prefix + rest[..<end]
                break
            }
        }
        if node == nil {
            for line in lines {
                guard let range = line.range(of: " in ") else { continue }
                let words = line[range.upperBound...].split(separator: " ")
                if words.count >= 2, ["model", "test", "seed", "snapshot", "source", "analysis"].contains(String(words[0])) {
                    node = String(words[1])
                    break
                }
            }
        }
        var file: String?
        if let open = text.range(of: " ("), let close = text[open.upperBound...].firstIndex(of: ")") {
            let candidate = String(text[open.upperBound..<close])
            if [".sql", ".yml", ".yaml", ".csv", ".py", ".md"].contains(where: { candidate.hasSuffix($0) }) { file = candidate }
        }
        return (node, file)
    }

    private static func nextSteps(verdict: RunVerdict, step: StepFacts?, nodes: NodeFailures?) -> [NextStep] {
        var steps: [NextStep] = []
        switch verdict {
        case .running:
            if let step { steps.append(.followLog(step: step.index)) }
        case .nodeErrors, .testFailures:
            steps.append(.failures)
            if let nodes, let first = nodes.failures.first {
                // The SQL worth reading is the one the warehouse pointed into; the lineage worth
                // drawing is that of the failure that blocked the most.
                let sqlNode = nodes.failures.first { $0.sqlExcerpt != nil }
                    ?? nodes.failures.first { $0.problem.resourceType == "model" } ?? first
                steps.append(.compiledSQL(node: sqlNode.name))
                if let blocker = nodes.skipGroups.first?.causes.first, nodes.skippedCount > 0 {
                    steps.append(.lineage(node: NodeNames.shortName(blocker.uniqueID)))
                } else {
                    steps.append(first.kind.isTest ? .timeline(node: first.name) : .lineage(node: sqlNode.name))
                }
            }
        case .succeeded, .queued:
            break
        default:
            // No lineage here, even for the node a compile error names: dbt stopped before it wrote manifest.json.
            if let step { steps.append(.stepLog(step: step.index)) }
        }
        return steps
    }
}
