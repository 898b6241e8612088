import Foundation

/// The timestamp shapes dbt Cloud really sends: `T` or space, a fraction of 0–6 (or more)
/// digits, and `Z`, `±HH:MM`, `±HHMM` or no zone (taken as UTC).
public enum DbtTimestamp {
    public static func parse(_ text: String) -> Date? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2)
        else { return nil }
        var seconds = 0.0
        if !scanner.atEnd {
            guard scanner.skip("T") || scanner.skip(" ") || scanner.skip("t"),
                let hour = scanner.number(digits: 2), scanner.skip(":"),
                let minute = scanner.number(digits: 2)
            else { return nil }
            var second = 0
            if scanner.skip(":") {
                guard let value = scanner.number(digits: 2) else { return nil }
                second = value
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            seconds = Double(hour * 3600 + minute * 60 + second)
            if scanner.skip(".") || scanner.skip(",") {
                let fraction = scanner.digitRun()
                guard !fraction.isEmpty else { return nil }
                seconds += Double("0." + fraction) ?? 0
            }
            if scanner.skip("Z") || scanner.skip("z") {
            } else if let sign = scanner.sign() {
                guard let offsetHours = scanner.number(digits: 2) else { return nil }
                _ = scanner.skip(":")
                let offsetMinutes = scanner.number(digits: 2) ?? 0
                seconds -= Double(sign * (offsetHours * 3600 + offsetMinutes * 60))
            }
        }
        guard scanner.atEnd, (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days) * 86_400 + seconds)
    }

    /// ISO 8601 in UTC, e.g. `2021-12-07T10:34:01Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// `HH:MM:SS` durations; hours may exceed 24, and Python's `1 day, 2:03:04` form is accepted.
public enum DbtDuration {
    public static func parse(_ text: String) -> TimeInterval? {
        var remainder = Substring(text.trimmingCharacters(in: .whitespaces))
        var total = 0.0
        if let comma = remainder.firstIndex(of: ",") {
            let dayPart = remainder[..<comma].split(separator: " ")
            guard dayPart.count == 2, let days = Int(dayPart[0]), abs(days) <= 1_000_000, dayPart[1].hasPrefix("day") else {
                return nil
            }
            total += Double(days) * 86_400
            remainder = remainder[remainder.index(after: comma)...].drop(while: { $0 == " " })
        }
        let parts = remainder.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            let seconds = Double(parts[2]), (0...24_000_000).contains(hours), (0..<60).contains(minutes), seconds >= 0,
            seconds < 61
        else { return nil }
        return total + Double(hours * 3600 + minutes * 60) + seconds
    }

    /// `1h 02m 03s`, `2m 05s`, `12s`.
    public static func format(_ interval: TimeInterval) -> String {
        guard interval.isFinite else { return "?" }
        let whole = Int(min(max(interval, -1e15), 1e15).rounded())
        let hours = whole / 3600, minutes = (whole % 3600) / 60, seconds = whole % 60
        if hours > 0 { return String(format: "%dh %02dm %02ds", hours, minutes, seconds) }
        if minutes > 0 { return String(format: "%dm %02ds", minutes, seconds) }
        return "\(seconds)s"
    }
}

private struct DigitScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard position < bytes.count, let ascii = character.asciiValue, bytes[position] == ascii else { return false }
        position += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<(position + digits)] {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        position += digits
        return value
    }

    mutating func digitRun() -> String {
        let start = position
        while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
