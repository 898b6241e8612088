import Foundation
import Synchronization

/// Listings of live objects kept for completion and name lookups, each for a short time.
/// Written by commands and background refreshes, read synchronously by the TAB callback.
public final class ListingCache: Sendable {
    public enum Key: Hashable, Sendable {
        case accounts
        case projects(account: Int)
        case environments(account: Int, project: Int?)
        case jobs(account: Int, project: Int?)
        case runs(account: Int, job: Int?)
        case steps(run: Int)
        case artifacts(run: Int, step: Int?)
        case nodes(run: Int)
        case relations(run: Int)

        /// What the listing holds, as a loading message says it.
        var noun: String {
            switch self {
            case .accounts: "accounts"
            case .projects: "projects"
            case .environments: "environments"
            case .jobs: "jobs"
            case .runs: "runs"
            case .steps(let run): "the steps of run \(run)"
            case .artifacts(let run, _): "the artifacts of run \(run)"
            case .nodes(let run): "the nodes of run \(run)"
            case .relations(let run): "the catalog of run \(run)"
            }
        }
    }

    public struct Item: Sendable, Equatable {
        public var id: String
        public var label: String
        public init(id: String, label: String) {
            self.id = id
            self.label = label
        }
    }

    struct Entry {
        var items: [Item]
        var storedAt: ContinuousClock.Instant
    }

    public let timeToLive: TimeInterval
    private let entries = Mutex<[Key: Entry]>([:])
    /// Refreshes running, with when they started.
    private let refreshing = Mutex<[Key: ContinuousClock.Instant]>([:])
    /// Why the last refresh of a key failed, until one succeeds.
    private let failures = Mutex<[Key: any Error]>([:])

    public init(timeToLive: TimeInterval = 60) {
        self.timeToLive = timeToLive
    }

    public func store(_ items: [Item], for key: Key) {
        entries.withLock { $0[key] = Entry(items: items, storedAt: .now) }
    }

    /// Fresh items, or nil when absent or older than the time to live.
    public func items(for key: Key) -> [Item]? {
        entries.withLock { entries in
            guard let entry = entries[key], ContinuousClock.now - entry.storedAt < .seconds(timeToLive) else { return nil }
            return entry.items
        }
    }

    /// Items even when stale: better than nothing while a refresh runs.
    public func anyItems(for key: Key) -> [Item]? {
        entries.withLock { $0[key]?.items }
    }

    /// Starts `load` unless a refresh of `key` is already running; returns the task.
    @discardableResult
    public func refresh(_ key: Key, load: @escaping @Sendable () async throws -> [Item]) -> Task<Void, Never>? {
        let started = refreshing.withLock { running in
            guard running[key] == nil else { return false }
            running[key] = .now
            return true
        }
        guard started else { return nil }
        return Task.detached { [self] in
            defer { _ = refreshing.withLock { $0.removeValue(forKey: key) } }
            do {
                store(try await load(), for: key)
                _ = failures.withLock { $0.removeValue(forKey: key) }
            } catch {
                failures.withLock { $0[key] = error }
            }
        }
    }

    /// When the running refresh of `key` started; nil when none runs.
    public func loadingSince(_ key: Key) -> ContinuousClock.Instant? {
        refreshing.withLock { $0[key] }
    }

    /// Why the last refresh of `key` failed; nil when it succeeded or none ran.
    public func failure(for key: Key) -> (any Error)? {
        failures.withLock { $0[key] }
    }
}
