import Dispatch
import Synchronization

/// How a blocking bridge to async code ended.
public enum BlockingOutcome<T: Sendable>: Sendable {
    case finished(T)
    case interrupted
}

/// Runs `operation` in a task while the calling (main) thread waits, polling for Ctrl-C.
///
/// A Ctrl-C still pending (pressed after the line was read) interrupts at once. On Ctrl-C the task is cancelled, given a
/// moment to wind down, and `.interrupted` is returned. The operation must not need the
/// main actor: the main thread is blocked until this returns.
public func runBlocking<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> BlockingOutcome<T> {
    let result = BlockingResult<T>()
    let task = Task.detached {
        let value = await operation()
        result.finish(with: value)
    }
    while true {
        if result.finished.wait(timeout: .now() + .milliseconds(50)) == .success {
            if let value = result.value {
                return .finished(value)
            }
        }
        if Interrupts.takePending() {
            task.cancel()
            _ = result.finished.wait(timeout: .now() + .milliseconds(BlockingResult<T>.cancellationGraceMilliseconds))
            return .interrupted
        }
    }
}

private final class BlockingResult<T: Sendable>: Sendable {
    static var cancellationGraceMilliseconds: Int { 1000 }

    let finished = DispatchSemaphore(value: 0)
    private let storage = Mutex<T?>(nil)

    var value: T? { storage.withLock { $0 } }

    func finish(with value: T) {
        storage.withLock { $0 = value }
        finished.signal()
    }
}
