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
