import Synchronization
import Testing
@testable import Shell

/// Work beside the commands has a handle: the session's end cancels it and waits for it.
@Suite(.timeLimit(.minutes(1))) struct BackgroundWorkTests {
    @Test("cancelAll stops a task that would run for an hour, and waits until it has ended")
    func cancelAllStopsAndWaits() async {
        let work = BackgroundWork()
        let ended = Mutex(false)
        let started = AsyncStream<Void>.makeStream()
        work.start {
            started.continuation.yield()
            try? await Task.sleep(for: .seconds(3_600))
            ended.withLock { $0 = true }
        }
        for await _ in started.stream { break }
        #expect(work.count == 1)
        await work.cancelAll()
        #expect(ended.withLock { $0 }, "cancelAll returned before the task ended")
        #expect(work.count == 0)
    }

    @Test("after cancelAll nothing new starts")
    func closedRefusesNewWork() async {
        let work = BackgroundWork()
        await work.cancelAll()
        let ran = Mutex(false)
        work.start { ran.withLock { $0 = true } }
        #expect(work.count == 0)
        await work.cancelAll()
        #expect(ran.withLock { $0 } == false)
    }

    @Test("a finished task leaves the list by itself")
    func finishedTaskLeaves() async {
        let work = BackgroundWork()
        let done = AsyncStream<Void>.makeStream()
        work.start { done.continuation.yield() }
        for await _ in done.stream { break }
        // The task removes itself right after its operation returns.
        while work.count > 0 { await Task.yield() }
        #expect(work.count == 0)
    }
}
