import Foundation

/// Every page of a list endpoint merged into one response, as `api --paginate` prints it.
public struct MergedPages: Sendable {
    /// The last page's envelope with `data` holding every item and `extra.pagination.count` their number.
    public let json: JSONValue
    public let pages: Int
    public let items: Int
    /// The total the API announced (`extra.pagination.total_count`), when it did.
    public let totalCount: Int?
    /// Paging stopped at `maxItems` or `maxPages` with items left.
    public let truncated: Bool
}

extension DbtCloudClient {
    /// `GET path` page after page (`limit`/`offset`, as dbt-cloud-cli's `run list --paginate` does)
    /// until `extra.pagination.total_count` is reached, a page comes back short or empty, or a bound
    /// is hit. A `limit` or `offset` in the path or `query` sets the page size (at most 100) and the
    /// first offset. A response whose `data` is not a list is returned as it is, as one page.
    public func getAllPages(
        _ path: String, query: [(String, String)] = [], maxItems: Int = 10_000, maxPages: Int = 1_000
    ) async throws -> MergedPages {
        var bare = path
        var given = query
        if let mark = path.firstIndex(of: "?") {
            given = QueryEncoding.decode(String(path[path.index(after: mark)...])) + given
            bare = String(path[..<mark])
        }
        let limit = min(100, max(1, given.last { $0.0 == "limit" }.flatMap { Int($0.1) } ?? options.pageSize))
        var offset = max(0, given.last { $0.0 == "offset" }.flatMap { Int($0.1) } ?? 0)
        let filters = given.filter { $0.0 != "limit" && $0.0 != "offset" }
        let itemBound = max(1, maxItems)
        var items: [JSONValue] = []
        var pages = 0
        var last: JSONValue = .null
        var total: Int?
        var truncated = false
        var seenIDs = Set<String>()
        while true {
            let response = try await send("GET", bare, query: filters + [("limit", String(limit)), ("offset", String(offset))])
            pages += 1
            guard let json = response.json, case .array(let page)? = json["data"] else {
                if pages == 1 {
                    let json = response.json ?? .string(String(decoding: response.body, as: UTF8.self))
                    return MergedPages(json: json, pages: 1, items: 0, totalCount: nil, truncated: false)
                }
                throw DbtCloudError(
                    kind: .invalidResponse, method: "GET", path: bare, status: response.status,
                    message: "page \(pages) has no `data` list (offset \(offset))")
            }
            // A page of nothing but items already listed: the server ignores `offset`.
            let ids = page.compactMap { $0["id"]?.compactText }
            if !page.isEmpty, ids.count == page.count, ids.allSatisfy({ seenIDs.contains($0) }) {
                throw ListingGuards(path: bare, maxItems: itemBound).repeatedPage(offset: offset, listed: items.count)
            }
            seenIDs.formUnion(ids)
            last = json
            total = json["extra"]?["pagination"]?["total_count"]?.intValue ?? total
            if page.count > itemBound - items.count { truncated = true }
            items += page.prefix(itemBound - items.count)
            offset += page.count
            let more = total.map { offset < $0 } ?? (page.count >= limit)
            if page.isEmpty || !more || truncated { break }
            if items.count >= itemBound || pages >= maxPages {
                truncated = true
                break
            }
        }
        var merged = last.setting("data", to: .array(items))
        if let extra = merged["extra"], case .object = extra {
            let pagination = (extra["pagination"] ?? .object([:])).setting("count", to: .int(items.count))
            merged = merged.setting("extra", to: extra.setting("pagination", to: pagination))
        }
        return MergedPages(json: merged, pages: pages, items: items.count, totalCount: total, truncated: truncated)
    }
}

extension QueryEncoding {
    /// `a=1&b=x%20y` → `[("a","1"), ("b","x y")]`.
    static func decode(_ query: String) -> [(String, String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
    }
}
