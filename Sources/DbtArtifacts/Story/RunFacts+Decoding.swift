import Foundation

extension RunFacts {
    /// Reads a run as the Admin API returns it: the `{"status": …, "data": {…}}` envelope or the
    /// bare run object, with `run_steps` (and `job`, `trigger`) when they were included.
    /// Unknown or malformed fields are left out; only a missing or invalid `id` is an error.
    public static func decode(_ data: Data) throws(ArtifactError) -> RunFacts {
        guard !data.isEmpty else { throw .unreadable(path: "run", reason: "the response is empty") }
        let decoded: RunFacts? = data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes)
            return try? RunJSON.readRunOrEnvelope(&scanner)
        }
        guard let decoded else { throw .unreadable(path: "run", reason: "not a dbt Cloud run object") }
        return decoded
    }
}

/// The field-by-field reading of a run object.
enum RunJSON {
    static func readRunOrEnvelope(_ scanner: inout JSONScanner) throws(JSONScanError) -> RunFacts? {
        guard try scanner.peek() == UInt8(ascii: "{") else { return nil }
        let start = scanner.position
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if scanner.key(key, is: "data") {
                return try readRun(&scanner)
            }
            try scanner.skipValue()
        }
        scanner.position = start
        return try readRun(&scanner)
    }

    static func readRun(_ scanner: inout JSONScanner) throws(JSONScanError) -> RunFacts? {
        var id: Int?
        var run = RunFacts(id: 0, status: .unknown(0))
        try scanner.readObject { scanner, key throws(JSONScanError) in
            switch scanner.string(of: key) {
            case "id": id = try scanner.readOptionalInt()
            case "job_definition_id": run.jobID = try scanner.readOptionalInt() ?? run.jobID
            case "status": run.status = RunState(code: try scanner.readOptionalInt() ?? 0)
            case "status_message": run.statusMessage = try scanner.readOptionalString()
            case "git_sha": run.gitSHA = try scanner.readOptionalString()
            case "git_branch": run.gitBranch = try scanner.readOptionalString()
            case "dbt_version": run.dbtVersion = try scanner.readOptionalString()
            case "created_at": run.createdAt = Timestamp.parse(try scanner.readOptionalString())
            case "started_at": run.startedAt = Timestamp.parse(try scanner.readOptionalString())
            case "finished_at": run.finishedAt = Timestamp.parse(try scanner.readOptionalString())
            case "run_duration": run.runDurationSeconds = Timestamp.duration(try scanner.readOptionalString())
            case "artifacts_saved": run.artifactsSaved = try scanner.readOptionalBool()
            case "run_steps": run.steps = try readSteps(&scanner)
            case "job": run.job = try readJob(&scanner)
            case "trigger": run.overrides = try readTrigger(&scanner)
            default: try scanner.skipValue()
            }
        }
        guard let id else { return nil }
        run.id = id
        run.steps.sort { $0.index < $1.index }
        return run
    }

    private static func readSteps(_ scanner: inout JSONScanner) throws(JSONScanError) -> [StepFacts] {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            try scanner.skipValue()
            return []
        }
        var steps: [StepFacts] = []
        try scanner.beginArray()
        while try scanner.nextElement() {
            if let step = try readStep(&scanner) { steps.append(step) }
        }
        return steps
    }

    private static func readStep(_ scanner: inout JSONScanner) throws(JSONScanError) -> StepFacts? {
        var index: Int?
        var step = StepFacts(index: 0, name: "", status: .unknown(0))
        var truncated: String?
        var full: String?
        try scanner.readObject { scanner, key throws(JSONScanError) in
            switch scanner.string(of: key) {
            case "index": index = try scanner.readOptionalInt()
            case "id": step.id = try scanner.readOptionalInt()
            case "name": step.name = try scanner.readOptionalString() ?? ""
            case "status": step.status = RunState(code: try scanner.readOptionalInt() ?? 0)
            case "logs": step.log = try scanner.readOptionalString() ?? ""
            case "debug_logs": full = try scanner.readOptionalString()
            case "truncated_debug_logs": truncated = try scanner.readOptionalString()
            case "started_at": step.startedAt = Timestamp.parse(try scanner.readOptionalString())
            case "finished_at": step.finishedAt = Timestamp.parse(try scanner.readOptionalString())
            case "duration": step.durationSeconds = Timestamp.duration(try scanner.readOptionalString())
            default: try scanner.skipValue()
            }
        }
        guard let index else { return nil }
        step.index = index
        step.debugLog = full ?? truncated
        return step
    }

    private static func readJob(_ scanner: inout JSONScanner) throws(JSONScanError) -> JobSettingsFacts? {
        var job = JobSettingsFacts()
        let isObject = try scanner.readObject { scanner, key throws(JSONScanError) in
            switch scanner.string(of: key) {
            case "execute_steps": job.executeSteps = try scanner.readStringArray()
            case "generate_docs": job.generateDocs = try scanner.readOptionalBool()
            case "settings":
                try scanner.readObject { scanner, key throws(JSONScanError) in
                    switch scanner.string(of: key) {
                    case "threads": job.threads = try scanner.readOptionalInt()
                    case "target_name": job.targetName = try scanner.readOptionalString()
                    default: try scanner.skipValue()
                    }
                }
            case "execution":
                try scanner.readObject { scanner, key throws(JSONScanError) in
                    if scanner.string(of: key) == "timeout_seconds" {
                        job.timeoutSeconds = try scanner.readOptionalInt()
                    } else {
                        try scanner.skipValue()
                    }
                }
            default: try scanner.skipValue()
            }
        }
        return isObject ? job : nil
    }

    private static func readTrigger(_ scanner: inout JSONScanner) throws(JSONScanError) -> JobSettingsFacts? {
        var overrides = JobSettingsFacts()
        try scanner.readObject { scanner, key throws(JSONScanError) in
            switch scanner.string(of: key) {
            case "steps_override":
                let steps = try scanner.readStringArray()
                overrides.executeSteps = steps.isEmpty ? nil : steps
            case "threads_override": overrides.threads = try scanner.readOptionalInt()
            case "target_name_override": overrides.targetName = try scanner.readOptionalString()
            case "timeout_seconds_override": overrides.timeoutSeconds = try scanner.readOptionalInt()
            case "generate_docs_override": overrides.generateDocs = try scanner.readOptionalBool()
            default: try scanner.skipValue()
            }
        }
        return overrides == JobSettingsFacts() ? nil : overrides
    }
}

/// The timestamp and duration shapes of the Admin API.
public enum Timestamp {
    /// `2026-11-28T02:00:00Z`: how the story's JSON writes a time (whole seconds, UTC).
    public static func text(_ date: Date?) -> String? {
        date.map { $0.formatted(Date.ISO8601FormatStyle()) }
    }

    /// `2021-12-07 10:34:01.982824+00:00`, `2024-03-25T13:47:20.129690Z`, `2022-05-05 06:51:10+00:00`:
    /// a `T` or a space, an optional fraction, `Z` or `±HH:MM`. Nil for anything else.
    public static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, let digit = digit(bytes[index]) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard bytes.count >= index + 6, bytes[index + 3] == UInt8(ascii: ":"),
                    let hours = number(bytes, index + 1, 2), let minutes = number(bytes, index + 4, 2)
                else { return nil }
                offset = (hours * 3_600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `"00:01:50"` → 110 seconds; hours may exceed 24. Nil for anything else.
    public static func duration(_ text: String?) -> Double? {
        guard let text else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(\.isASCII) }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]), let seconds = Int(parts[2]),
            hours >= 0, (0..<60).contains(minutes), (0..<61).contains(seconds)
        else { return nil }
        return Double(hours * 3_600 + minutes * 60 + seconds)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard let digit = digit(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
