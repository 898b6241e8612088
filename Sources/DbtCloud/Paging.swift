import Foundation

/// One page of a list endpoint: the items, and the envelope's `extra.pagination`.
public struct ListPage<Element: Sendable>: Sendable {
    public let items: [Element]
    public let offset: Int
    public let limit: Int
    /// `extra.pagination.total_count`; nil when the endpoint does not say.
    public let totalCount: Int?
    /// The whole response, for `--output json`.
    public let raw: JSONValue
    /// Each item's `id` as compact JSON (nil when it has none), to notice a page served twice.
    let itemIDs: [String?]

    init(items: [Element], offset: Int, limit: Int, totalCount: Int?, raw: JSONValue, itemIDs: [String?] = []) {
        self.items = items
        self.offset = offset
        self.limit = limit
        self.totalCount = totalCount
        self.raw = raw
        self.itemIDs = itemIDs
    }
}

/// What a listing does not take from the server on trust: a page of ids already listed (a server
/// that ignores `offset`), and more than `maxItems` items (a `total_count` of 1e9, pages without end).
struct ListingGuards: Sendable {
    /// The path named in errors.
    var path: String
    var maxItems: Int

    static let none = ListingGuards(path: "", maxItems: Int.max)

    func repeatedPage(offset: Int, listed: Int) -> DbtCloudError {
        DbtCloudError(
            kind: .invalidResponse, method: "GET", path: path,
            message: "the page at offset \(offset) repeats items already listed (the server ignores `offset`?); stopped after \(listed) items")
    }

    func tooMany() -> DbtCloudError {
        DbtCloudError(
            kind: .invalidResponse, method: "GET", path: path,
            message: "more than \(maxItems) items; stopped there (narrow the listing with a filter or a limit)")
    }
}

/// Every item of a list endpoint, page by page. The first page is fetched alone; once its
/// `total_count` is known the remaining pages up to it are fetched up to `concurrency` at a time
/// and the items are still yielded in order. An empty page ends the listing; an item whose id
/// was already yielded (a listing that shifts while runs are created) is skipped; a page of
/// nothing but such items, or more than the guards' `maxItems`, ends it with an error.
/// Breaking out of the loop or cancelling the task cancels the pages in flight.
public struct PagedSequence<Element: Sendable>: AsyncSequence, Sendable {
    public typealias FetchPage = @Sendable (_ offset: Int, _ limit: Int) async throws -> ListPage<Element>

    let pageSize: Int
    let concurrency: Int
    let maxItems: Int?
    let guards: ListingGuards
    let fetch: FetchPage

    public init(pageSize: Int = 100, concurrency: Int = 4, maxItems: Int? = nil, fetch: @escaping FetchPage) {
        self.init(pageSize: pageSize, concurrency: concurrency, maxItems: maxItems, guards: .none, fetch: fetch)
    }

    init(pageSize: Int, concurrency: Int, maxItems: Int?, guards: ListingGuards, fetch: @escaping FetchPage) {
        self.pageSize = Swift.min(100, Swift.max(1, pageSize))
        self.concurrency = Swift.max(1, concurrency)
        self.maxItems = maxItems.map { Swift.max(0, $0) }
        self.guards = guards
        self.fetch = fetch
    }

    /// The same listing with at most `count` items (only the pages needed are fetched).
    public func prefix(items count: Int) -> PagedSequence {
        PagedSequence(
            pageSize: pageSize, concurrency: concurrency, maxItems: Swift.min(count, maxItems ?? count), guards: guards,
            fetch: fetch)
    }

    /// The same listing fetched page after page (for comparisons and polite scripts).
    public func sequential() -> PagedSequence {
        PagedSequence(pageSize: pageSize, concurrency: 1, maxItems: maxItems, guards: guards, fetch: fetch)
    }

    public func withConcurrency(_ concurrency: Int) -> PagedSequence {
        PagedSequence(pageSize: pageSize, concurrency: concurrency, maxItems: maxItems, guards: guards, fetch: fetch)
    }

    public func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await item in self { all.append(item) }
        return all
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        private let sequence: PagedSequence
        private var buffer: [Element] = []
        private var bufferIndex = 0
        private var yielded = 0
        private var nextOffset = 0
        private var endOffset: Int?
        private var finished = false
        private var seenIDs = Set<String>()
        private let inFlight: PageQueue<Element>

        init(sequence: PagedSequence) {
            self.sequence = sequence
            self.inFlight = PageQueue()
        }

        public mutating func next() async throws -> Element? {
            if let maxItems = sequence.maxItems, yielded >= maxItems {
                inFlight.cancelAll()
                return nil
            }
            while bufferIndex >= buffer.count {
                guard !finished else { return nil }
                try await loadNextPage()
            }
            if yielded >= sequence.guards.maxItems {
                stop()
                throw sequence.guards.tooMany()
            }
            defer { bufferIndex += 1; yielded += 1 }
            return buffer[bufferIndex]
        }

        private var limit: Int {
            guard let maxItems = sequence.maxItems else { return sequence.pageSize }
            return Swift.max(1, Swift.min(sequence.pageSize, maxItems))
        }

        private mutating func stop() {
            finished = true
            inFlight.cancelAll()
        }

        private mutating func loadNextPage() async throws {
            let page: ListPage<Element>
            do {
                if let queued = inFlight.popFirst() {
                    page = try await withTaskCancellationHandler {
                        try await queued.value
                    } onCancel: {
                        queued.cancel()
                    }
                } else {
                    page = try await sequence.fetch(nextOffset, limit)
                    nextOffset += limit
                }
            } catch {
                stop()
                throw error
            }
            if page.items.isEmpty {
                buffer = []
                bufferIndex = 0
                stop()
                return
            }
            buffer = try newItems(of: page)
            bufferIndex = 0
            if endOffset == nil, let total = page.totalCount {
                // Past the first page's total nothing is fetched; nor past what the guards allow.
                let bounded = Swift.min(total, sequence.guards.maxItems == Int.max ? total : sequence.guards.maxItems + 1)
                endOffset = sequence.maxItems.map { Swift.min(bounded, $0) } ?? bounded
            }
            if let endOffset {
                scheduleAhead(upTo: endOffset)
                finished = inFlight.isEmpty
            } else {
                // No total_count: a short page is the last one.
                finished = page.items.count < limit || sequence.maxItems.map { nextOffset >= $0 } ?? false
            }
        }

        /// The page without items already yielded; a page made only of those is an error.
        private mutating func newItems(of page: ListPage<Element>) throws -> [Element] {
            guard page.itemIDs.count == page.items.count else { return page.items }
            var fresh: [Element] = []
            fresh.reserveCapacity(page.items.count)
            for (item, id) in zip(page.items, page.itemIDs) {
                guard let id else {
                    fresh.append(item)
                    continue
                }
                if seenIDs.insert(id).inserted { fresh.append(item) }
            }
            if fresh.isEmpty {
                stop()
                throw sequence.guards.repeatedPage(offset: page.offset, listed: yielded)
            }
            return fresh
        }

        private mutating func scheduleAhead(upTo endOffset: Int) {
            let fetch = sequence.fetch
            let limit = self.limit
            while inFlight.count < sequence.concurrency, nextOffset < endOffset {
                let offset = nextOffset
                inFlight.append(Task { try await fetch(offset, limit) })
                nextOffset += limit
            }
        }
    }
}

/// Pages requested ahead, in offset order. A class so that dropping the iterator cancels them.
final class PageQueue<Element: Sendable>: @unchecked Sendable {
    // Only touched from the iterator's own (non-concurrent) calls and deinit.
    private var tasks: [Task<ListPage<Element>, any Error>] = []

    var count: Int { tasks.count }
    var isEmpty: Bool { tasks.isEmpty }

    func append(_ task: Task<ListPage<Element>, any Error>) { tasks.append(task) }

    func popFirst() -> Task<ListPage<Element>, any Error>? {
        tasks.isEmpty ? nil : tasks.removeFirst()
    }

    func cancelAll() {
        tasks.forEach { $0.cancel() }
        tasks.removeAll()
    }

    deinit { tasks.forEach { $0.cancel() } }
}
