import Foundation

/// The timestamp, duration and status spellings of the real API.
enum WireFormat {
    /// Runs and steps: `2026-11-28 23:57:08.123456+00:00`.
    static func runTimestamp(_ date: Date) -> String { timestamp(date, separator: " ") }

    /// Jobs, environments and other objects: `2026-11-28T23:57:08.123456+00:00`.
    static func isoTimestamp(_ date: Date) -> String { timestamp(date, separator: "T") }

    static func runTimestamp(_ date: Date?) -> JSONValue { date.map { .string(runTimestamp($0)) } ?? .null }

    private static func timestamp(_ date: Date, separator: String) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d%@%02d:%02d:%02d.%06d+00:00",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), separator,
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// `HH:MM:SS`; hours may exceed 24.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        return String(format: "%02d:%02d:%02d", total / 3600, (total / 60) % 60, total % 60)
    }

    /// `2 hours ago`, `2 weeks, 1 day ago`: one unit below a week, so that a listing reads the same
    /// for an hour rather than changing every minute (tests compare listings taken seconds apart).
    static func humanizedAgo(_ seconds: TimeInterval) -> String {
        let week = 7 * 86_400.0
        guard seconds < week else { return humanized(seconds) + " ago" }
        let units: [(String, Double)] = [("day", 86_400), ("hour", 3_600), ("minute", 60)]
        for (name, size) in units where seconds >= size {
            let count = Int(seconds / size)
            return "\(count) \(name)\(count == 1 ? "" : "s") ago"
        }
        return "0 minutes ago"
    }

    /// `1 minute, 50 seconds`, `12 seconds`, `2 weeks, 1 day`; `0 minutes` for nothing.
    static func humanized(_ seconds: TimeInterval) -> String {
        var remaining = max(0, Int(seconds.rounded(.down)))
        let units: [(String, Int)] = [
            ("year", 365 * 86_400), ("week", 7 * 86_400), ("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1),
        ]
        var parts: [String] = []
        for (name, size) in units where parts.count < 2 {
            let count = remaining / size
            if count > 0 {
                parts.append("\(count) \(name)\(count == 1 ? "" : "s")")
                remaining -= count * size
            } else if !parts.isEmpty {
                break
            }
        }
        return parts.isEmpty ? "0 minutes" : parts.joined(separator: ", ")
    }
}

/// Run and step status codes with the real API's names.
enum RunStatus: Int, Sendable {
    case queued = 1, starting = 2, running = 3, success = 10, error = 20, cancelled = 30

    var humanized: String {
        switch self {
        case .queued: "Queued"
        case .starting: "Starting"
        case .running: "Running"
        case .success: "Success"
        case .error: "Error"
        case .cancelled: "Cancelled"
        }
    }

    var isTerminal: Bool { rawValue >= 10 }

    /// The colour dbt Cloud shows a step in.
    var color: String {
        switch self {
        case .success: "#55973a"
        case .error: "#cd3c3b"
        case .cancelled: "#62728e"
        default: "#2f6bd9"
        }
    }

    /// `status` and `status__in` filters also accept names.
    init?(filterValue: String) {
        let trimmed = filterValue.trimmingCharacters(in: .whitespaces).lowercased()
        if let code = Int(trimmed), let status = RunStatus(rawValue: code) {
            self = status
            return
        }
        let names: [String: RunStatus] = [
            "queued": .queued, "starting": .starting, "running": .running, "success": .success,
            "error": .error, "cancelled": .cancelled, "canceled": .cancelled,
        ]
        guard let status = names[trimmed] else { return nil }
        self = status
    }
}
