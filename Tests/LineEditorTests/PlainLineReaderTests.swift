import Foundation
import Testing
@testable import LineEditor

@Suite("Plain reader on a pipe", .serialized)
struct PlainLineReaderTests {
    /// Writes `bytes` into a pipe from another thread and reads every line back.
    private func lines(from bytes: [UInt8]) -> [LineReadResult] {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let writeEnd = descriptors[1]
        let writer = Thread {
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(writeEnd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writeEnd)
        }
        writer.start()
        let reader = PlainLineReader(fileDescriptor: descriptors[0])
        var results: [LineReadResult] = []
        while true {
            let result = reader.readLine(prompt: "ignored> ")
            results.append(result)
            if result == .endOfFile { break }
        }
        reader.close()
        close(descriptors[0])
        return results
    }

    @Test func linesThenEndOfFile() {
        #expect(lines(from: Array("help\nexit\n".utf8)) == [.line("help"), .line("exit"), .endOfFile])
    }

    @Test func lastLineWithoutNewlineIsReturned() {
        #expect(lines(from: Array("help\nexit".utf8)) == [.line("help"), .line("exit"), .endOfFile])
    }

    @Test func emptyInputIsEndOfFile() {
        #expect(lines(from: []) == [.endOfFile])
    }

    @Test func emptyLinesAreKeptAndCarriageReturnsDropped() {
        #expect(lines(from: Array("a\r\n\nb\n".utf8)) == [.line("a"), .line(""), .line("b"), .endOfFile])
    }

    @Test func bytesThatAreNotUTF8AreDecodedLeniently() {
        let input: [UInt8] = Array("ok ".utf8) + [0xFF, 0xC3] + Array("\nhéllo 日本\n".utf8)
        #expect(lines(from: input) == [.line("ok \u{FFFD}\u{FFFD}"), .line("héllo 日本"), .endOfFile])
    }

    @Test func aHundredKilobyteLine() {
        let long = String(repeating: "abcdefghij", count: 10_240)
        #expect(lines(from: Array("\(long)\nnext\n".utf8)) == [.line(long), .line("next"), .endOfFile])
    }

    @Test func manyLinesAcrossChunkBoundaries() {
        let expected = (0..<20_000).map { "line \($0) " + String(repeating: "x", count: $0 % 17) }
        let input = Array(expected.joined(separator: "\n").utf8)
        #expect(lines(from: input) == expected.map(LineReadResult.line) + [.endOfFile])
    }
}

@Suite("Blocking bridge to async code", .serialized)
struct RunBlockingTests {
    /// Raises SIGINT on the calling thread with SIGINT unblocked, so it is handled before this returns.
    private static func pressControlC() {
        var interrupt = sigset_t()
        var previous = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, &previous)
        raise(SIGINT)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    /// Runs `body` on a thread of its own, as the shell runs `runBlocking` on the main
    /// thread: blocking a thread of the test's cooperative pool could starve the task.
    private static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    @Test func returnsTheValue() async {
        let outcome = await Self.onOwnThread {
            runBlocking { () async -> Int in
                try? await Task.sleep(for: .milliseconds(20))
                return 42
            }
        }
        guard case .finished(let value) = outcome else {
            Issue.record("expected a value")
            return
        }
        #expect(value == 42)
    }

    /// Ctrl-C pressed after the line was read but before its command started still stops it:
    /// `context | sleep 60` and a quick Ctrl-C must not leave the shell waiting a minute.
    @Test func aControlCPressedBeforeTheCallStopsIt() async {
        Interrupts.install()
        let outcome = await Self.onOwnThread { () -> BlockingOutcome<Int> in
            RunBlockingTests.pressControlC()
            return runBlocking { () async -> Int in
                try? await Task.sleep(for: .seconds(20))
                return 7
            }
        }
        guard case .interrupted = outcome else {
            Issue.record("a Ctrl-C pressed just before the call was lost")
            return
        }
    }

    @Test func controlCCancelsTheTask() async throws {
        Interrupts.install()
        let observed = CancellationObserved()
        let outcome = await Self.onOwnThread { () -> BlockingOutcome<Bool> in
            Thread.detachNewThread {
                // Ctrl-C once the operation runs (not before: a stale one is forgotten).
                if observed.started.wait(timeout: .now() + 30) == .success { RunBlockingTests.pressControlC() }
            }
            return runBlocking { () async -> Bool in
                observed.started.signal()
                do {
                    try await Task.sleep(for: .seconds(600))
                    return false
                } catch {
                    observed.cancelled.signal()
                    return true
                }
            }
        }
        guard case .interrupted = outcome else {
            Issue.record("expected .interrupted")
            return
        }
        let cancelled = await Self.onOwnThread { observed.cancelled.wait(timeout: .now() + 30) == .success }
        #expect(cancelled, "the task saw its cancellation")
    }
}

/// Events of the operation under `runBlocking`: it started, it saw its cancellation.
final class CancellationObserved: Sendable {
    let started = DispatchSemaphore(value: 0)
    let cancelled = DispatchSemaphore(value: 0)
}
