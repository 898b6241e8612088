import Foundation

/// Runs blocking terminal work on a thread of its own, so that it never holds one of the
/// few threads of the cooperative pool that the other, asynchronous suites need.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// A failed check, thrown from work on its own thread (where `#expect` has no test to report to).
func check(_ condition: Bool, _ message: @autoclosure () -> String, fileID: String = #fileID, line: Int = #line) throws {
    guard condition else {
        throw PseudoTerminal.Failure(description: "\(fileID):\(line): \(message())")
    }
}

/// Waits until the process is stopped (state `T` in /proc/PID/stat), e.g. after SIGSTOP: the
/// signal is delivered asynchronously. Gives up after 30 s.
func waitUntilStopped(_ pid: pid_t, fileID: String = #fileID, line: Int = #line) throws {
    for _ in 0..<3_000 {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // pid (comm) STATE …: the state follows the last ')'.
        if let close = stat.lastIndex(of: ")"), stat[close...].dropFirst().trimmingCharacters(in: .whitespaces).hasPrefix("T") {
            return
        }
        usleep(10_000)
    }
    try check(false, "process \(pid) did not stop", fileID: fileID, line: line)
}
