import DbtCloud
import Foundation
import Synchronization

/// Polls a run until it ends (gh run watch): progress on stderr, the final run on stdout,
/// transient API failures retried without ending the wait.
struct RunWaiter {
    let session: Session
    let options: WaitTiming
    /// `--follow`: each step's log on stdout as it grows, instead of the progress line.
    var follow = false
    /// When --timeout starts counting: before the run is even looked up (a monotonic instant:
    /// a clock change does not stretch or cut the wait).
    let started = ContinuousClock.now

    /// Seconds since `started`.
    private var elapsed: TimeInterval {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The run named by `text` (or the context's), looked up within --timeout: a server that
    /// does not answer cannot hold `wait` past it.
    func resolveRun(_ text: String?) async throws -> Int {
        let session = self.session
        let remaining = options.timeout.map { $0 - elapsed }
        do {
            return try await Deadline.run(within: remaining) { try await session.requireRun(text) }
        } catch is Deadline.Expired {
            throw CommandFailure(
                "wait: run \(text ?? "") could not be looked up within \(DurationText.format(options.timeout ?? 0)): dbt Cloud did not answer in time",
                exitCode: ExitCode.waitTimedOut)
        }
    }

    init(session: Session, options: WaitOptions, follow: Bool = false) {
        self.session = session
        self.options = options.timing(in: session)
        self.follow = follow
    }

    func wait(accountID: Int, runID: Int, output: OutputOptions) async throws -> Int32 {
        let client = try session.api()
        let progress = ProgressLine(console: session.console)
        let logs = follow ? StepLogPrinter(console: session.console, announcesSteps: true) : nil
        let verb = follow ? "following" : "waiting"
        session.interruptionNote = "stopped \(verb); run \(runID) goes on in dbt Cloud ('cancel \(runID)' cancels it, 'wait \(runID)' waits again)"
        defer {
            progress.finish()
            if !Task.isCancelled { session.interruptionNote = nil }
        }
        var lastFailure: (any Error)?
        while true {
            let remaining = options.timeout.map { $0 - elapsed }
            if let remaining, remaining <= 0 { throw timedOut(runID) }
            do {
                let run = try await Deadline.run(within: remaining) {
                    try await client.run(accountID: accountID, id: runID, include: [.runSteps])
                }
                lastFailure = nil
                if let logs {
                    logs.printNew(of: run)
                } else {
                    progress.show(ProgressText.describe(run, elapsed: elapsed))
                }
                if run.isFinished {
                    progress.finish()
                    session.updateContext { if $0.run?.id == run.id { $0.run?.name = run.status?.name } }
                    return try await report(run, output: output)
                }
            } catch is Deadline.Expired {
                progress.finish()
                throw timedOut(runID)
            } catch let error as DbtCloudError where ErrorReport.exitCode(for: error.kind) == ExitCode.network {
                if lastFailure == nil { progress.note("dbt Cloud did not answer (\(error.kind)); still waiting") }
                lastFailure = error
            }
            let pause = min(options.interval, options.timeout.map { $0 - elapsed } ?? options.interval)
            try await Task.sleep(nanoseconds: UInt64(max(0, pause) * 1_000_000_000))
        }
    }

    private func timedOut(_ runID: Int) -> CommandFailure {
        CommandFailure("wait: run \(runID) still not finished after \(DurationText.format(options.timeout ?? 0)); it goes on in dbt Cloud",
                       exitCode: ExitCode.waitTimedOut)
    }

    private func report(_ run: Run, output: OutputOptions) async throws -> Int32 {
        try RunSummary.print(run, output: output, session: session)
        switch run.status {
        case .success?:
            return 0
        case .cancelled?:
            session.console.errorLine("run \(run.id) was cancelled")
            return ExitCode.runCancelled
        default:
            if let brief = await FailureBrief.lines(for: run, session: session) {
                for line in brief { session.console.errorLine(line) }
            } else {
                let failed = run.steps.first { $0.status == .error }
                let where_ = failed.map { " at step \($0.index ?? 0) (\($0.name ?? ""))" } ?? ""
                session.console.errorLine("run \(run.id) ended in error\(where_); next: 'explain', 'logs --failed', 'failures'")
            }
            return ExitCode.runFailed
        }
    }
}

enum ProgressText {
    /// `run 902: running · step 2 Invoke dbt with `dbt build` (running) · 42s`
    static func describe(_ run: Run, elapsed: TimeInterval) -> String {
        var text = "run \(run.id): \(run.status?.name ?? "unknown")"
        let steps = run.steps.sorted { ($0.index ?? 0) < ($1.index ?? 0) }
        let shown = run.isFinished ? (steps.first { $0.status == .error } ?? steps.last) : steps.last
        if let step = shown {
            text += " · step \(step.index ?? steps.count) \(step.name ?? "") (\(step.status?.name ?? "unknown"))"
        }
        return text + " · " + TimeText.duration(elapsed)
    }
}

/// On a terminal: one status line redrawn in place. Through a pipe: one line per change.
final class ProgressLine {
    private let console: Console
    private var last = ""

    init(console: Console) {
        self.console = console
    }

    func show(_ text: String) {
        if console.stderrIsTerminal {
            console.showStatus(text)
        } else if Self.withoutClock(text) != Self.withoutClock(last) {
            console.errorLine(text)
        }
        last = text
    }

    func note(_ text: String) {
        finish()
        console.errorLine(text)
    }

    func finish() {
        console.endStatus()
    }

    private static func withoutClock(_ text: String) -> String {
        guard let range = text.range(of: " · ", options: .backwards) else { return text }
        return String(text[..<range.lowerBound])
    }
}

/// Runs an operation, giving up when `seconds` have passed (nil: no limit). On expiry the
/// operation is cancelled and not waited for, so a slow request cannot hold the caller.
enum Deadline {
    struct Expired: Error {}

    static func run<T: Sendable>(within seconds: Double?, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let seconds else { return try await operation() }
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                let work = Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                }
                race.attach(work)
                Task {
                    try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
                    race.finish(.failure(Expired()))
                }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first result wins; the operation is cancelled when it loses.
    final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var work: Task<Void, Never>?
            var result: Result<T, any Error>?
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<T, any Error>) {
            let early = state.withLock { state -> Result<T, any Error>? in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func attach(_ work: Task<Void, Never>) {
            let lost = state.withLock { state -> Bool in
                state.work = work
                return state.result != nil
            }
            if lost { work.cancel() }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, work) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?) in
                guard state.result == nil else { return (nil, nil) }
                state.result = result
                defer { state.continuation = nil }
                return (state.continuation, state.work)
            }
            if case .failure = result { work?.cancel() }
            continuation?.resume(with: result)
        }
    }
}
