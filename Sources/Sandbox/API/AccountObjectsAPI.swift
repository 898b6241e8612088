import Foundation

/// Accounts, projects, environments and the other account objects: lists and gets of seeded data.
extension SandboxAPI {
    func whoami() -> APIResponse {
        world.withLock { Envelope.success($0.users.first ?? nil) }
    }

    func listAccounts() -> APIResponse {
        world.withLock { world in
            let accounts = [world.account] + world.emptyAccounts
            let ids = accounts.compactMap { $0["id"]?.intValue }.map(JSONValue.int)
            return .json(
                .object([
                    ("status", Envelope.status(code: 200, message: "Success!")),
                    ("data", .array(accounts)),
                    (
                        "extra",
                        .object([
                            ("filters", .object([("pk__in", .array(ids))])), ("order_by", nil),
                            ("pagination", .object([("count", .int(accounts.count)), ("total_count", .int(accounts.count))])),
                        ])
                    ),
                ]))
        }
    }

    func getAccount() -> APIResponse {
        world.withLock { Envelope.success($0.account) }
    }

    /// A request under an account other than the demo's: that account itself, an empty page
    /// for a listing, not found for anything else; nil when the token does not see the account.
    func emptyAccountResponse(_ request: APIRequest, route: Route, accountID: String) -> APIResponse? {
        guard let account = world.withLock({ $0.emptyAccounts.first { $0["id"]?.intValue.map(String.init) == accountID } }) else {
            return nil
        }
        let rest = route.pattern.dropFirst(4)
        if rest.isEmpty { return Envelope.success(account) }
        guard request.method == "GET", let last = rest.last, !last.hasPrefix(":"), last != "*" else { return Envelope.notFoundPermissions }
        let (page, failure) = Page.parse(request)
        guard let page else { return failure ?? Envelope.notFound }
        return Listing.envelope([], page: page, filters: [("account_id", .int(Int(accountID) ?? 0))])
    }

    /// A list of seeded objects with exact-match filters, `name__icontains`, `pk`, `order_by` and paging.
    func list(
        _ request: APIRequest, _ collection: KeyPath<WorldState, [JSONValue]>, filterKeys: [String] = [],
        project: String? = nil, decorate: (JSONValue) -> JSONValue = { $0 }
    ) -> APIResponse {
        let (page, failure) = Page.parse(request)
        guard let page else { return failure ?? Envelope.badRequest("Invalid paging.") }
        var filters: [(String, JSONValue)] = [("account_id", .int(DemoWorld.accountID))]
        var items = world.withLock { $0[keyPath: collection] }
        if let project {
            guard let projectID = Int(project), world.withLock({ $0.project(projectID) }) != nil else {
                return Envelope.notFoundPermissions
            }
            items = items.filter { $0["project_id"]?.intValue == projectID }
            filters.append(("project_id", .int(projectID)))
        }
        switch request.query["state"] {
        case nil, "active", "1": items = items.filter { $0["state"]?.intValue != 2 }
        case "deleted", "2": items = items.filter { $0["state"]?.intValue == 2 }
        default: break
        }
        if let raw = request.query["state"] { filters.append(("state", Listing.echo(raw))) }
        for key in filterKeys where key != "state" {
            guard let raw = request.query[key] else { continue }
            filters.append((key, Listing.echo(raw)))
            items = items.filter { Self.field($0[key], equals: raw) }
        }
        if let raw = request.query["project_id__in"] {
            let wanted = Set(Listing.parseList(raw).compactMap { Int($0) })
            filters.append(("project_id__in", Listing.echo(raw)))
            items = items.filter { wanted.contains($0["project_id"]?.intValue ?? -1) }
        }
        if let raw = request.query["name__icontains"] {
            filters.append(("name__icontains", .string(raw)))
            items = items.filter { ($0["name"]?.stringValue ?? "").localizedCaseInsensitiveContains(raw) }
        }
        if let raw = request.query["pk"] {
            filters.append(("pk", Listing.echo(raw)))
            items = items.filter { $0["id"]?.intValue == Int(raw) }
        }
        let orderBy = request.query["order_by"] ?? "id"
        guard let ordered = Listing.sorted(items, orderBy: orderBy, allowed: ["id", "pk", "name", "created_at", "updated_at"]) else {
            return Envelope.invalid([("order_by", .string("Cannot order by \(orderBy)."))])
        }
        return Listing.envelope(ordered.map(decorate), page: page, filters: filters, orderBy: .string(orderBy))
    }

    func get(_ collection: KeyPath<WorldState, [JSONValue]>, _ id: String, project: String? = nil) -> APIResponse {
        let items = world.withLock { $0[keyPath: collection] }
        guard let item = items.first(where: { $0["id"]?.intValue == Int(id) || $0["id"]?.stringValue == id }),
            item["state"]?.intValue != 2
        else {
            return Envelope.notFoundPermissions
        }
        if let project, item["project_id"]?.intValue != Int(project) { return Envelope.notFoundPermissions }
        return Envelope.success(item)
    }

    /// v3 environment items carry their repository and connection objects, as recorded.
    func listEnvironments(_ request: APIRequest, project: String?) -> APIResponse {
        let (repositories, connections) = world.withLock { ($0.repositories, $0.connections) }
        return list(request, \.environments, filterKeys: ["project_id", "type", "deployment_type", "name", "state", "credentials_id"],
                    project: project) { environment in
            let repository = repositories.first { $0["id"]?.intValue == environment["repository_id"]?.intValue }
            let connection = connections.first { $0["id"]?.intValue == environment["connection_id"]?.intValue }.map {
                DemoSeed.projectConnection(
                    id: $0["id"]?.intValue ?? 0, projectID: environment["project_id"]?.intValue ?? 0, name: $0["name"]?.stringValue ?? "")
            }
            return environment.setting("repository", repository ?? nil).setting("connection", connection ?? nil)
        }
    }

    /// Newest first. `logged_at_start`/`logged_at_end` are days (`YYYY-MM-DD`, UTC), both inclusive,
    /// echoed as `logged_at__range` as in the recorded response.
    func listAuditLogs(_ request: APIRequest) -> APIResponse {
        let (page, failure) = Page.parse(request)
        guard let page else { return failure ?? Envelope.badRequest("Invalid paging.") }
        var check = FieldCheck(.object([]))
        let start = request.query["logged_at_start"].map { (raw: $0, day: AuditDay.parse($0)) }
        let end = request.query["logged_at_end"].map { (raw: $0, day: AuditDay.parse($0)) }
        if let start, start.day == nil { check.fail("logged_at_start", "Enter a valid date (YYYY-MM-DD).") }
        if let end, end.day == nil { check.fail("logged_at_end", "Enter a valid date (YYYY-MM-DD).") }
        if let from = start?.day, let to = end?.day, from > to {
            check.fail("logged_at_end", "The end date is before the start date.")
        }
        if let problem = check.response { return problem }
        let lower = start?.day
        let upper = end?.day.map { $0.addingTimeInterval(86_400) }
        // Newest first; events logged in the same second keep the order they were logged in, reversed.
        typealias Logged = (order: Int, at: Date, event: JSONValue)
        var logged: [Logged] = []
        for (order, event) in world.withLock({ $0.auditLogs }).enumerated() {
            guard let at = AuditDay.timestamp(event) else { continue }
            if let lower, at < lower { continue }
            if let upper, at >= upper { continue }
            logged.append((order, at, event))
        }
        logged.sort { $0.at != $1.at ? $0.at > $1.at : $0.order > $1.order }
        let items = logged.map(\.event)
        var filters: [(String, JSONValue)] = [("account_id", .int(DemoWorld.accountID))]
        if start != nil || end != nil {
            filters.append(("logged_at__range", [.from(start?.raw), .from(end?.raw)]))
        }
        filters.append(("internal", false))
        return Listing.envelope(items, page: page, filters: filters, orderBy: "-logged_at")
    }

    /// Webhooks use their own envelope: `status` holds only `code`, `extra` has no `order_by`.
    func listWebhooks(_ request: APIRequest) -> APIResponse {
        let (page, failure) = Page.parse(request)
        guard let page else { return failure ?? Envelope.badRequest("Invalid paging.") }
        let items = world.withLock { $0.webhooks }
        let pageItems = page.slice(items)
        return .json(
            .object([
                ("data", .array(pageItems)),
                ("status", .object([("code", 200)])),
                (
                    "extra",
                    .object([
                        ("pagination", .object([("total_count", .int(items.count)), ("count", .int(pageItems.count))])),
                        ("filters", .object([("offset", .int(page.offset)), ("limit", .int(page.limit))])),
                    ])
                ),
            ]))
    }

    func getWebhook(_ id: String) -> APIResponse {
        guard let hook = world.withLock({ $0.webhooks.first { $0["id"]?.stringValue == id } }) else {
            return .json(.object([("data", nil), ("status", .object([("code", 404)]))]), status: 404)
        }
        return .json(.object([("data", hook), ("status", .object([("code", 200)]))]))
    }

    static func field(_ value: JSONValue?, equals raw: String) -> Bool {
        switch value {
        case .int(let i)?: return Int(raw) == i
        case .string(let s)?: return s == raw
        case .bool(let b)?: return (raw.lowercased() == "true") == b
        case .null?: return raw.lowercased() == "null" || raw.isEmpty
        default: return false
        }
    }
}

/// Days of the audit-log filters and the events' timestamps.
enum AuditDay {
    /// Midnight UTC of a `YYYY-MM-DD` day.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date
    }

    /// `created_at` (current shape) or `logged_at` (2022 shape) of an event.
    static func timestamp(_ event: JSONValue) -> Date? {
        guard let text = (event["created_at"] ?? event["logged_at"])?.stringValue, text.count >= 19 else { return nil }
        let day = parse(String(text.prefix(10)))
        let clock = text.dropFirst(11).prefix(8).split(separator: ":").compactMap { Int($0) }
        guard let day, clock.count == 3 else { return nil }
        return day.addingTimeInterval(Double(clock[0] * 3_600 + clock[1] * 60 + clock[2]))
    }
}
