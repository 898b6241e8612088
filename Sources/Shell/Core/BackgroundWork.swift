import Synchronization

/// Work a session runs beside its commands (a run followed until it ends). Every task has a
/// handle here, so the session's end cancels them and waits for them: nothing outlives it.
public final class BackgroundWork: Sendable {
    private struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextID = 0
        var isClosed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts `operation` unless the session has ended; it should stop when cancelled.
    public func start(_ operation: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            guard !state.isClosed else { return }
            let id = state.nextID
            state.nextID += 1
            state.tasks[id] = Task { [weak self] in
                await operation()
                self?.finished(id)
            }
        }
    }

    /// How many tasks are still running.
    public var count: Int { state.withLock { $0.tasks.count } }

    /// Cancels every task, waits until each has ended, and refuses new ones.
    public func cancelAll() async {
        let tasks = state.withLock { state in
            state.isClosed = true
            defer { state.tasks.removeAll() }
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private func finished(_ id: Int) {
        _ = state.withLock { $0.tasks.removeValue(forKey: id) }
    }
}
