import DbtCloud
import Foundation

struct AuditLogCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "audit-log", summary: "the account's audit log, every page (enterprise plans)",
        discussion: "Days are UTC. Without a filter every event is listed, up to --limit.",
        examples: ["audit-log --last 7d", "audit-log --since 2026-11-01 --until 2026-11-30 --json"],
        fields: ["logged_at", "event", "actor", "source", "detail"], rawFields: true)
    @Option("since", valueName: "YYYY-MM-DD", help: "events logged on or after this day") var since: CalendarDay?
    @Option("until", valueName: "YYYY-MM-DD", help: "events logged on or before this day") var until: CalendarDay?
    @Option("last", valueName: "DAYS", help: "events of the last days, e.g. 7d or 30 (instead of --since)") var last: DaySpan?
    @Option("limit", valueName: "N", help: "stop after N events (default 10000)") var limit = 10_000
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        if since != nil, last != nil { throw CommandFailure.usage("\(command): give --since or --last, not both") }
        guard (1...100_000).contains(limit) else { throw CommandFailure.usage("\(command): --limit is a number from 1 to 100000") }
        let start = since?.text ?? last.map { CalendarDay.daysAgo($0.days).text }
        if let start, let end = until?.text, start > end {
            throw CommandFailure.usage("\(command): --since \(start) is after --until \(end)")
        }
        let account = try session.requireAccount()
        let events = try await session.api().auditLogs(accountID: account, from: start, to: until?.text)
            .prefix(items: limit + 1).collect()
        try ListingOutput<AuditLog>(
            columns: ["LOGGED AT", "EVENT", "ACTOR", "SOURCE", "DETAIL"], numeric: [],
            row: { event in
                [event.loggedAt.map(TimeText.short) ?? "", event.eventType ?? "", event.actorName ?? "", event.source ?? "",
                 event.raw["event_label"]?.stringValue ?? event.raw["event_context"]?["name"]?.stringValue ?? ""]
            },
            raw: \.raw
        ).print(Array(events.prefix(limit)), output: output, session: session, emptyMessage: "no audit log events" + Self.range(start, until?.text),
               command: command)
        if events.count > limit {
            session.console.errorLine("showing the first \(limit) events; there are more (--limit N, or narrow with --since/--until)")
        }
        return 0
    }

    static func range(_ start: String?, _ end: String?) -> String {
        switch (start, end) {
        case let (start?, end?): return " from \(start) to \(end)"
        case let (start?, nil): return " since \(start)"
        case let (nil, end?): return " until \(end)"
        default: return ""
        }
    }
}

/// A day as `YYYY-MM-DD` (`--since`, `--until`).
struct CalendarDay: ArgumentValue, Equatable {
    let text: String

    init?(argument: String) {
        guard let day = try? DbtCloudClient.auditLogDay(argument) else { return nil }
        text = day
    }

    private init(text: String) {
        self.text = text
    }

    static var defaultKind: ArgumentKind { .text }
    static var defaultValueName: String { "YYYY-MM-DD" }
    static var expectation: String { "a day as YYYY-MM-DD, e.g. 2026-11-28" }

    /// The UTC day `days` days before today.
    static func daysAgo(_ days: Int, from now: Date = Date()) -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let day = calendar.date(byAdding: .day, value: -days, to: now) ?? now
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        let text = String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
        return CalendarDay(text: text)
    }
}

/// A number of days: `7d` or `7`, from 1 to 3650 (`--last`).
struct DaySpan: ArgumentValue, Equatable {
    let days: Int

    init?(argument: String) {
        let digits = argument.lowercased().hasSuffix("d") ? String(argument.dropLast()) : argument
        guard let days = Int(digits), (1...3_650).contains(days) else { return nil }
        self.days = days
    }

    static var defaultKind: ArgumentKind { .text }
    static var defaultValueName: String { "DAYS" }
    static var expectation: String { "a number of days such as 7d or 30 (at most 3650)" }
}
