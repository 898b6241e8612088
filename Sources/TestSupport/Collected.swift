import Synchronization

/// Items gathered from any thread (trace lines, notices, warnings, calls), read back in order.
public final class Collected<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])

    public init() {}

    public func append(_ item: Item) { items.withLock { $0.append(item) } }
    public var all: [Item] { items.withLock { $0 } }
    public var count: Int { items.withLock { $0.count } }
}

extension Collected where Item == String {
    public var lines: [String] { all }
}
