import DbtCloud
import TerminalText

struct ShowCommand: ShellCommand {
    static let configuration = CommandConfiguration("show", summary: "one object: the context's run by default, or LEVEL [ID]",
                                                    discussion: "As data, the API's object (json), or its keys as one CSV row; markdown is a FIELD | VALUE table.",
                                                    examples: ["show", "show job", "show run 902 --json", "show job --fields id,name,execute_steps"],
                                                    rawFields: true)
    @Argument("LEVEL", .contextLevel) var levelWord: String?
    @Argument("ID") var explicit: String?
    @OptionGroup var output: OutputOptions

    static func completionKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind {
        ShellContext.Level.objectKind(declared, after: arguments)
    }

    func run(in session: Session) async throws -> Int32 {
        let context = session.context
        let level: ShellContext.Level
        if let word = levelWord {
            guard let named = ShellContext.Level.named(word) else {
                throw CommandFailure.usage("show: '\(word)' is not a level; levels: account, project, environment, job, run")
            }
            level = named
        } else {
            guard let deepest = ShellContext.Level.allCases.last(where: { context[$0] != nil }) else {
                throw CommandFailure.usage("show: nothing in context; 'use account ID' first, or 'show account ID'")
            }
            level = deepest
        }
        let client = try session.api()
        let resolver = EntityResolver(session: session)
        func id() async throws -> Int {
            if let explicit { return try await pickID(explicit, level: level, resolver: resolver) }
            guard let entry = context[level] else {
                throw CommandFailure.usage("show \(level.rawValue): none in context; give an id or 'use \(level.rawValue) ID'")
            }
            return entry.id
        }
        let raw: JSONValue
        let data = DataOutput(session, output, command: "show")
        switch level {
        case .account:
            raw = try await client.account(id: try await id()).raw
        case .project:
            raw = try await client.project(accountID: try session.requireAccount(), id: try await id()).raw
        case .environment:
            let environmentID: Int
            if let explicit, let number = Int(explicit) { environmentID = number } else { environmentID = try await id() }
            raw = try await resolver.environmentObject(id: environmentID, project: context.project?.id).raw
        case .job:
            raw = try await client.job(accountID: try session.requireAccount(), id: try await id()).raw
        case .run:
            let runID = try await id()
            let run = try await client.run(accountID: try session.requireAccount(), id: runID, include: [.trigger, .job, .runSteps])
            try data.printRecord(run.raw) { RunDetailText.print(run, to: session.console) }
            return 0
        }
        try data.printRecord(raw) { ObjectOutput.print(raw, session: session) }
        return 0
    }

    private func pickID(_ text: String, level: ShellContext.Level, resolver: EntityResolver) async throws -> Int {
        switch level {
        case .account: return try await resolver.account(text).id
        case .project: return try await resolver.project(text).id
        case .environment: return try await resolver.environment(text).entry.id
        case .job: return try await resolver.job(text).id
        case .run: return try await resolver.run(text).id
        }
    }
}

/// An object as `key: value` lines; nested objects and lists are summarised.
enum ObjectOutput {
    static func print(_ raw: JSONValue, session: Session) {
        guard let object = raw.objectValue else {
            session.console.line(raw.prettyText)
            return
        }
        let keys = object.keys.sorted { lhs, rhs in
            let order = ["id", "name", "status_humanized", "status"]
            let a = order.firstIndex(of: lhs) ?? order.count, b = order.firstIndex(of: rhs) ?? order.count
            return a != b ? a < b : lhs < rhs
        }
        let width = min(28, (keys.map(\.count).max() ?? 0) + 1)
        for key in keys {
            guard let value = object[key], !value.isNull else { continue }
            session.console.line((key + ":").padding(width) + summary(value))
        }
    }

    static func summary(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return Table.singleLine(text)
        case .array(let items):
            if items.allSatisfy({ $0.stringValue != nil || $0.intValue != nil }) {
                return items.map { $0.stringValue ?? $0.compactText }.joined(separator: ", ")
            }
            return "[\(items.count) items]"
        case .object: 
            let text = value.compactText
            return text.count > 100 ? String(text.prefix(99)) + "…" : text
        default: return value.compactText
        }
    }
}

/// A run as a person reads it: status, timing, what triggered it, and its steps.
enum RunDetailText {
    static func print(_ run: Run, to console: Console) {
        var lines: [(String, String)] = [("run", String(run.id))]
        if let job = run.job { lines.append(("job", "\(job.id) \(job.name ?? "")")) } else if let jobID = run.jobID { lines.append(("job", String(jobID))) }
        lines.append(("status", (run.status?.name ?? "unknown") + (run.statusMessage.map { " (\($0))" } ?? "")))
        let statusStyle = StatusStyle.of(run.status)
        if let created = run.createdAt { lines.append(("created", TimeText.short(created))) }
        if let started = run.startedAt { lines.append(("started", TimeText.short(started))) }
        if let finished = run.finishedAt { lines.append(("finished", TimeText.short(finished))) }
        if run.duration != nil { lines.append(("duration", TimeText.duration(run.duration) + " (queued \(TimeText.duration(run.queuedDuration)))")) }
        if let cause = run.trigger?.cause { lines.append(("cause", cause)) }
        if let branch = run.gitBranch ?? run.trigger?.gitBranch { lines.append(("git", branch + (run.gitSha.map { " @ \($0.prefix(10))" } ?? ""))) }
        if let steps = run.trigger?.stepsOverride, !steps.isEmpty { lines.append(("steps override", steps.joined(separator: "; "))) }
        if let version = run.dbtVersion { lines.append(("dbt", version)) }
        if let href = run.href { lines.append(("url", href)) }
        if run.status == .error { lines.append(("retry", run.canRetry == true ? "possible ('retry')" : (run.retryNotSupportedReason ?? "not possible"))) }
        for (key, value) in lines {
            var line = ConsoleText((key + ":").padding(16))
            line.append(value, style: key == "status" ? statusStyle : nil)
            console.line(line)
        }
        let steps = run.steps.sorted { ($0.index ?? 0) < ($1.index ?? 0) }
        guard !steps.isEmpty else { return }
        console.line("steps:")
        for step in steps {
            let mark = step.status == .error ? "✗" : (step.status == .success ? "✓" : "·")
            var line = ConsoleText("  \(step.index ?? 0) ")
            line.append("\(mark) \((step.status?.name ?? "").padding(9))", style: StatusStyle.of(step.status))
            line.append("\(TimeText.duration(step.duration).leftPadded(6))  \(step.name ?? "")")
            console.line(line)
        }
    }
}
