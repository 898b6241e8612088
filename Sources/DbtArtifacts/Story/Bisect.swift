import Foundation

/// How a node did in one run, for `bisect` and `timeline`.
public enum NodeOutcome: String, Sendable, Encodable, Equatable {
    /// success or pass.
    case passed
    /// error or fail.
    case failed
    /// Skipped, warned, absent from the run, or the run has no run_results: says nothing either way.
    case unknown

    public init(_ status: NodeStatus?) {
        guard let status else {
            self = .unknown
            return
        }
        if status == .success || status == .pass {
            self = .passed
        } else if status.isFailure {
            self = .failed
        } else {
            self = .unknown
        }
    }
}

/// Where a node started failing in a job's history.
public struct Bisection<Run: Sendable>: Sendable {
    /// The newest run before `firstFailure` where the node passed; nil when it never passed in the runs given.
    public let lastPass: Run?
    /// The oldest run of the failing streak that ends with the newest run.
    public let firstFailure: Run?
    /// How many runs' outcomes were fetched.
    public let fetched: Int
    /// Runs whose outcome was unknown (no artifacts, node skipped); they were stepped over.
    public let unknown: [Run]
}

/// Binary search over a job's runs, oldest first, for the run where a node started failing.
///
/// The newest run is assumed to fail; the search keeps an interval (pass … fail) and probes its
/// middle, so 30 runs cost at most ⌈log2 30⌉ + 1 = 6 fetches (the newest run included unless
/// `newestKnownToFail`). A run whose outcome is unknown is dropped from the interval and the
/// search goes on, one fetch more each time.
public enum Bisect {
    public static func search<Run: Sendable>(
        runs: [Run], newestKnownToFail: Bool = false, outcome: (Run) async throws -> NodeOutcome
    ) async rethrows -> Bisection<Run> {
        var fetched = 0
        var unknown: [Run] = []
        var candidates = Array(runs.indices)
        guard let newest = candidates.last else {
            return Bisection(lastPass: nil, firstFailure: nil, fetched: 0, unknown: [])
        }
        if !newestKnownToFail {
            fetched += 1
            switch try await outcome(runs[newest]) {
            case .failed: break
            case .passed: return Bisection(lastPass: runs[newest], firstFailure: nil, fetched: fetched, unknown: [])
            case .unknown: return Bisection(lastPass: nil, firstFailure: nil, fetched: fetched, unknown: [runs[newest]])
            }
        }
        // Positions in `candidates`: `low` passed (-1: before the first run), `high` failed.
        var low = -1
        var high = candidates.count - 1
        while high - low > 1 {
            let middle = low + (high - low) / 2
            fetched += 1
            switch try await outcome(runs[candidates[middle]]) {
            case .passed: low = middle
            case .failed: high = middle
            case .unknown:
                unknown.append(runs[candidates[middle]])
                candidates.remove(at: middle)
                high -= 1
            }
        }
        return Bisection(
            lastPass: low >= 0 ? runs[candidates[low]] : nil, firstFailure: runs[candidates[high]], fetched: fetched,
            unknown: unknown)
    }
}
