/// The `set KEY VALUE` knobs of a session.
public struct Settings: Sendable, Equatable {
    public var output: OutputFormat = .table
    public var color: Bool = false
    public var interval: Double = 3
    public var errexit: Bool = true
    public var pager: Bool = false
    public private(set) var readonly: Bool = false
    /// Read-only set by `--readonly` or `DBT_CLOUD_READONLY`: it holds for the whole process.
    public private(set) var readonlyIsFixed = false

    public init() {}

    /// Read-only for the whole process: `set readonly off` is refused from now on.
    public mutating func fixReadonly() {
        readonly = true
        readonlyIsFixed = true
    }

    public static let keys = ["output", "color", "interval", "errexit", "pager", "readonly"]

    public static func values(for key: String) -> [String] {
        switch key {
        case "output": return OutputFormat.allCases.map(\.rawValue)
        case "color", "errexit", "pager", "readonly": return ["on", "off"]
        case "interval": return ["1s", "3s", "5s", "10s"]
        default: return []
        }
    }

    public mutating func set(_ key: String, to value: String) throws {
        switch key {
        case "output":
            guard let format = OutputFormat(rawValue: value) else { throw invalid(key, value) }
            output = format
        case "color": color = try Self.switchValue(key, value)
        case "errexit": errexit = try Self.switchValue(key, value)
        case "pager": pager = try Self.switchValue(key, value)
        case "readonly":
            let wanted = try Self.switchValue(key, value)
            if !wanted, readonlyIsFixed {
                throw CommandFailure.usage("set readonly off: refused, read-only was set by --readonly or DBT_CLOUD_READONLY and holds for the whole session")
            }
            readonly = wanted
        case "interval":
            guard let seconds = DurationText.seconds(value), seconds > 0 else {
                throw CommandFailure.usage("set interval: '\(value)' is not a duration; try 2s, 500ms or 1m")
            }
            interval = seconds
        default:
            let hint = Suggestion.nearest(to: key, in: Self.keys).map { " (did you mean \($0)?)" } ?? ""
            throw CommandFailure.usage("set: unknown setting '\(key)'\(hint); settings: \(Self.keys.joined(separator: ", "))")
        }
    }

    public var listing: [(String, String)] {
        [("output", output.rawValue), ("color", color ? "on" : "off"), ("interval", DurationText.format(interval)),
         ("errexit", errexit ? "on" : "off"), ("pager", pager ? "on" : "off"), ("readonly", readonly ? "on" : "off")]
    }

    private func invalid(_ key: String, _ value: String) -> CommandFailure {
        .usage("set \(key): '\(value)' is not one of \(Self.values(for: key).joined(separator: ", "))")
    }

    private static func switchValue(_ key: String, _ value: String) throws -> Bool {
        switch value.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: throw CommandFailure.usage("set \(key): expected on or off, not '\(value)'")
        }
    }
}

/// Durations as users type them: `90`, `90s`, `500ms`, `2m`, `1h`, `1m30s`.
public enum DurationText {
    /// The longest duration accepted anywhere: a week.
    public static let maximum: Double = 7 * 24 * 3600

    public static func seconds(_ text: String) -> Double? {
        guard let value = parse(text), value.isFinite, value >= 0, value <= maximum else { return nil }
        return value
    }

    private static func parse(_ text: String) -> Double? {
        if let plain = Double(text) { return plain }
        var total = 0.0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let value = Double(number) else { return false }
            switch unit {
            case "ms": total += value / 1000
            case "s", "": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return false
            }
            sawAny = true
            number = ""
            unit = ""
            return true
        }
        for c in text.lowercased() {
            if c.isNumber || c == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(c)
            } else if c.isLetter {
                unit.append(c)
            } else {
                return nil
            }
        }
        guard flush(), sawAny else { return nil }
        return total
    }

    public static func format(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds == seconds.rounded() { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }
}
