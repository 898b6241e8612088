import Foundation

/// `limit` and `offset` of a list request, with the API's defaults and its maximum of 100.
struct Page {
    let limit: Int
    let offset: Int

    static let maximumLimit = 100

    /// nil and an error response when the parameters are invalid.
    static func parse(_ request: APIRequest) -> (Page?, APIResponse?) {
        var limit = maximumLimit
        var offset = 0
        if let raw = request.query["limit"] {
            guard let value = Int(raw), value >= 1 else {
                return (nil, Envelope.invalid([("limit", "A valid integer of at least 1 is required.")]))
            }
            guard value <= maximumLimit else {
                return (
                    nil,
                    Envelope.error(
                        400, "The limit parameter must be at most \(maximumLimit).",
                        developerMessage: .string("limit=\(value) exceeds the maximum of \(maximumLimit)"),
                        data: .object([("limit", .string("Ensure this value is less than or equal to \(maximumLimit)."))]))
                )
            }
            limit = value
        }
        if let raw = request.query["offset"] {
            guard let value = Int(raw), value >= 0 else {
                return (nil, Envelope.invalid([("offset", "A valid integer of at least 0 is required.")]))
            }
            offset = value
        }
        return (Page(limit: limit, offset: offset), nil)
    }

    func slice<T>(_ items: [T]) -> [T] {
        guard offset < items.count else { return [] }
        return Array(items[offset..<min(items.count, offset + limit)])
    }
}

enum Listing {
    /// The standard list envelope: `extra.filters` echoes the given filters plus `limit` and `offset`.
    static func envelope(
        _ items: [JSONValue], page: Page, filters: [(String, JSONValue)], orderBy: JSONValue = "id"
    ) -> APIResponse {
        envelope(pageItems: page.slice(items), totalCount: items.count, page: page, filters: filters, orderBy: orderBy)
    }

    /// The same, for callers that render only the requested page.
    static func envelope(
        pageItems: [JSONValue], totalCount: Int, page: Page, filters: [(String, JSONValue)], orderBy: JSONValue
    ) -> APIResponse {
        .json(
            .object([
                ("status", Envelope.status(code: 200, message: "Success!")),
                ("data", .array(pageItems)),
                (
                    "extra",
                    .object([
                        ("filters", .object(filters + [("limit", .int(page.limit)), ("offset", .int(page.offset))])),
                        ("order_by", orderBy),
                        ("pagination", .object([("count", .int(pageItems.count)), ("total_count", .int(totalCount))])),
                    ])
                ),
            ]))
    }

    /// `[10,20]`, `[10, 20]`, `["a", 'b']` or `10,20`.
    static func parseList(_ raw: String) -> [String] {
        raw.trimmingCharacters(in: CharacterSet(charactersIn: "[]() "))
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }
            .filter { !$0.isEmpty }
    }

    /// A filter value echoed back typed: ints stay ints, lists become arrays.
    static func echo(_ raw: String) -> JSONValue {
        if raw.hasPrefix("[") {
            return .array(parseList(raw).map { Int($0).map(JSONValue.int) ?? .string($0) })
        }
        return Int(raw).map(JSONValue.int) ?? .string(raw)
    }

    /// Sorts by `order_by` (`field` or `-field`); nulls sort last ascending and first descending, as in Postgres.
    static func sorted(_ items: [JSONValue], orderBy: String, allowed: Set<String>) -> [JSONValue]? {
        let descending = orderBy.hasPrefix("-")
        let field = descending ? String(orderBy.dropFirst()) : orderBy
        guard allowed.contains(field) else { return nil }
        let key = field == "pk" ? "id" : field
        let ascending = items.sorted { lhs, rhs in
            compare(lhs[key] ?? nil, rhs[key] ?? nil, tieBreak: (lhs["id"]?.intValue ?? 0) < (rhs["id"]?.intValue ?? 0))
        }
        return descending ? ascending.reversed() : ascending
    }

    private static func compare(_ lhs: JSONValue, _ rhs: JSONValue, tieBreak: Bool) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): a == b ? tieBreak : a < b
        case (.string(let a), .string(let b)): a == b ? tieBreak : a < b
        case (.null, .null): tieBreak
        case (.null, _): false
        case (_, .null): true
        default: tieBreak
        }
    }
}
