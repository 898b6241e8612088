import Foundation

/// One key whose declared value differs from the live job's.
public struct JobChange: Sendable, Equatable, CustomStringConvertible {
    /// Dotted, e.g. `settings.threads`.
    public let key: String
    /// Nil when the live job has no such key.
    public let live: JSONValue?
    public let declared: JSONValue

    public init(key: String, live: JSONValue?, declared: JSONValue) {
        self.key = key
        self.live = live
        self.declared = declared
    }

    public var description: String {
        "\(key): \(live?.compactText ?? "(absent)") → \(declared.compactText)"
    }
}

/// What `job update` with a definition would change: the keys the definition sets whose value
/// differs from the live job's. Keys the definition leaves out stay as they are; objects compare
/// key by key (`settings.threads`), lists and scalars as a whole; read-only keys never count.
public enum JobDiff {
    public static func changes(declared: [String: JSONValue], live: JSONValue) -> [JobChange] {
        var found: [JobChange] = []
        for key in declared.keys.sorted() where !DeclaredJob.readOnlyKeys.contains(key) {
            compare(declared[key] ?? .null, live[key], key: key, into: &found)
        }
        return found
    }

    /// The changes of a declaration against a live job, as `job diff` shows them: the name with its
    /// `[[identifier]]` suffix, and the schedule as dbt-jobs-as-code reads it.
    public static func changes(_ job: DeclaredJob, live: JSONValue) -> [JobChange] {
        changes(declared: job.wireFields(live: live), live: live)
    }

    private static func compare(_ declared: JSONValue, _ live: JSONValue?, key: String, into found: inout [JobChange]) {
        if case .object(let inner) = declared, case .object = live {
            for name in inner.keys.sorted() {
                compare(inner[name] ?? .null, live?[name], key: key + "." + name, into: &found)
            }
            return
        }
        let same = live == declared || (live == nil && declared.isNull)
        if !same { found.append(JobChange(key: key, live: live, declared: declared)) }
    }

    /// `live` with `declared` written over it: objects merge key by key, everything else is replaced.
    public static func merged(_ live: JSONValue, with declared: [String: JSONValue]) -> JSONValue {
        var result = live.objectValue ?? [:]
        for (key, value) in declared {
            if case .object(let inner) = value, let existing = result[key], case .object = existing {
                result[key] = merged(existing, with: inner)
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }
}

extension DeclaredJob {
    /// The declared keys as they go on the wire against `live` (nil when creating): the name gets
    /// its `[[identifier]]` suffix, and a schedule given only as `cron` (dbt-jobs-as-code files) is
    /// sent as a custom cron, or left alone when the live job already runs on that cron.
    public func wireFields(live: JSONValue?) -> [String: JSONValue] {
        var result = fields
        if let cloudName { result["name"] = .string(cloudName) }
        if case .object(let schedule)? = fields["schedule"], let cron = schedule["cron"]?.stringValue, schedule["date"] == nil {
            if live?["schedule"]?["cron"]?.stringValue == cron {
                result.removeValue(forKey: "schedule")
            } else {
                var full = schedule
                full["date"] = .object(["type": "custom_cron", "cron": .string(cron)])
                if full["time"] == nil { full["time"] = .object(["type": "every_hour", "interval": 1]) }
                result["schedule"] = .object(full)
            }
        }
        return result
    }
}
