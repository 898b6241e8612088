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
    private let refreshing = Mutex<Set<Key>>([])

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
        let started = refreshing.withLock { $0.insert(key).inserted }
        guard started else { return nil }
        return Task.detached { [self] in
            defer { _ = refreshing.withLock { $0.remove(key) } }
            if let items = try? await load() { store(items, for: key) }
        }
    }
}
