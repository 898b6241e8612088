import Foundation

/// What one timed listing did: for `dbtsh-bench` (sequential vs concurrent paging).
public struct PagingMeasurement: Sendable, CustomStringConvertible {
    public let items: Int
    public let concurrency: Int
    public let elapsed: Duration

    public var seconds: Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public var description: String {
        String(format: "%d items, concurrency %d: %.3f s", items, concurrency, seconds)
    }
}

public enum ClientBenchmarks {
    /// Lists every run of the account (newest first) with `concurrency` pages in flight
    /// (1 = one page after another) and times it.
    public static func listAllRuns(
        client: DbtCloudClient, accountID: Int, concurrency: Int, filter: RunFilter = .init()
    ) async throws -> PagingMeasurement {
        let clock = ContinuousClock()
        var count = 0
        let elapsed = try await clock.measure {
            for try await _ in client.allRuns(accountID: accountID, filter: filter).withConcurrency(concurrency) {
                count += 1
            }
        }
        return PagingMeasurement(items: count, concurrency: concurrency, elapsed: elapsed)
    }
}
