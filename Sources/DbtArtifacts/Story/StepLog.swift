import Foundation

/// One line of a step log: dbt's console lines start with `HH:MM:SS  `; the lines of a
/// multi-line message that follow have no time.
public struct LogLine: Sendable, Equatable, Encodable {
    /// `HH:MM:SS`, or nil for a continuation line.
    public var time: String?
    /// The text after the time and its two spaces (the whole line when there is no time).
    public var text: String

    public init(time: String?, text: String) {
        self.time = time
        self.text = text
    }

    init(_ raw: Substring) {
        let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
        let bytes = line.utf8
        if bytes.count >= 8, Self.isClock(bytes.prefix(8)) {
            time = String(line.prefix(8))
            text = String(line.dropFirst(8).drop { $0 == " " })
        } else {
            time = nil
            text = String(line)
        }
    }

    private static func isClock(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        for (offset, byte) in bytes.enumerated() {
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if offset == 2 || offset == 5 {
                if byte != UInt8(ascii: ":") { return false }
            } else if !digit {
                return false
            }
        }
        return true
    }
}

/// A step's console log, read for what went wrong: dbt's error block, the summary of failures
/// at the end, the nodes that were still running, with Python tracebacks taken out.
public struct StepLog: Sendable {
    public let lines: [LogLine]

    /// At most this many lines are read (a hostile or runaway log stays bounded).
    public static let lineLimit = 200_000

    public init(_ text: String) {
        var lines: [LogLine] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(Self.lineLimit) {
            lines.append(LogLine(raw))
        }
        if lines.last?.text.isEmpty == true, lines.last?.time == nil { lines.removeLast() }
        self.lines = lines
    }

    /// The log without Python tracebacks: each `Traceback (most recent call last):` block, its
    /// frames, the "During handling…" lines between chained tracebacks, and the closing
    /// `SomeError: message` when the message was already printed above.
    public var withoutTracebacks: [LogLine] {
        var kept: [LogLine] = []
        var inTraceback = false
        for line in lines {
            let text = line.text
            if text == "Traceback (most recent call last):" {
                inTraceback = true
                continue
            }
            if inTraceback {
                if line.time == nil, text.isEmpty || text.hasPrefix(" ") || text.hasPrefix("\t")
                    || text.hasPrefix("During handling of the above exception")
                    || text.hasPrefix("The above exception was the direct cause")
                {
                    continue
                }
                if line.time == nil, Self.isExceptionLine(text) {
                    let message = Self.exceptionMessage(text)
                    if !kept.contains(where: { $0.text.contains(message) }) { kept.append(line) }
                    continue
                }
                inTraceback = false
            }
            kept.append(line)
        }
        return kept
    }

    /// `module.SomeError: message`, `KeyboardInterrupt`: the line that ends a traceback.
    static func isExceptionLine(_ text: String) -> Bool {
        let head = text.prefix { $0 != ":" }
        guard !head.isEmpty, !head.contains(" "), head.first?.isLetter == true || head.first == "_" else { return false }
        let name = head.split(separator: ".").last ?? head[...]
        return name.hasSuffix("Error") || name.hasSuffix("Exception") || name.hasSuffix("Interrupt")
            || name.hasSuffix("Exit") || name.hasSuffix("Warning")
    }

    private static func exceptionMessage(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return text }
        let message = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return message.isEmpty ? text : message
    }

    // MARK: - The error dbt stopped on

    /// The block after dbt's `Encountered an error:` (its last one), traceback-free and trimmed:
    /// e.g. `["Compilation Error", "Model 'model.lumen_shop.fct_refunds' (models/…) depends on …"]`.
    /// Empty when dbt did not stop on an error.
    public var encounteredError: [String] {
        let clean = withoutTracebacks
        guard let start = clean.lastIndex(where: { $0.time != nil && $0.text == "Encountered an error:" }) else { return [] }
        var block: [String] = []
        for line in clean[(start + 1)...] {
            if line.time != nil {
                // A traceback's own first line carries a time; everything after dbt's error is noise.
                break
            }
            let trimmed = line.text.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { block.append(trimmed) }
        }
        return block
    }

    // MARK: - The summary at the end of a run

    /// The `Failure in …` / `Warning in …` / `Runtime Error in source …` blocks dbt prints after
    /// `Completed with N errors…` (or after a freshness run), in order.
    public var reportedFailures: [LoggedFailure] {
        let clean = withoutTracebacks
        var failures: [LoggedFailure] = []
        var current: LoggedFailure?
        func finish() {
            if let done = current { failures.append(done) }
            current = nil
        }
        for line in clean {
            let trimmed = line.text.trimmingCharacters(in: .whitespaces)
            if line.time != nil, let header = LoggedFailure.Header(trimmed) {
                if let open = current, header.isNestedHeader, open.resourceType == header.resourceType, open.name == header.name {
                    current?.messageLines.append(trimmed)
                } else {
                    finish()
                    current = LoggedFailure(header)
                }
                continue
            }
            guard current != nil else { continue }
            if line.time != nil, trimmed.hasPrefix("Done.") || trimmed.hasPrefix("Completed with") {
                finish()
                continue
            }
            if trimmed.hasPrefix("compiled code at ") {
                current?.compiledPath = String(trimmed.dropFirst("compiled code at ".count))
                continue
            }
            if !trimmed.isEmpty { current?.messageLines.append(trimmed) }
        }
        finish()
        return failures
    }

    // MARK: - Progress

    /// Nodes dbt started and had not finished when the log ends (the model a running, cancelled
    /// or killed step was on): `(number, description)` such as `(66, "sql incremental model analytics.core.fct_orders")`.
    public var unfinishedNodes: [StartedNode] {
        var started: [Int: StartedNode] = [:]
        var order: [Int] = []
        for line in lines where line.time != nil {
            guard let progress = Progress(line.text) else { continue }
            if progress.isStart {
                if started[progress.number] == nil { order.append(progress.number) }
                started[progress.number] = StartedNode(number: progress.number, total: progress.total, description: progress.rest, startedAt: line.time)
            } else {
                started[progress.number] = nil
            }
        }
        return order.compactMap { started[$0] }
    }

    /// `Concurrency: 4 threads (target='prod')` → (4, "prod").
    public var concurrency: (threads: Int, target: String?)? {
        for line in lines where line.time != nil && line.text.hasPrefix("Concurrency: ") {
            let words = line.text.split(separator: " ")
            guard words.count >= 2, let threads = Int(words[1]) else { continue }
            var target: String?
            if let open = line.text.range(of: "target='"), let close = line.text[open.upperBound...].firstIndex(of: "'") {
                target = String(line.text[open.upperBound..<close])
            }
            return (threads, target)
        }
        return nil
    }

    /// `Running with dbt=1.11.16` → "1.11.16".
    public var dbtVersion: String? {
        for line in lines.prefix(20) where line.text.hasPrefix("Running with dbt=") {
            return String(line.text.dropFirst("Running with dbt=".count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// `Done. PASS=69 WARN=1 ERROR=5 SKIP=28 NO-OP=0 TOTAL=103` (without `Done.`), if dbt got that far.
    public var doneLine: String? {
        lines.last { $0.time != nil && $0.text.hasPrefix("Done. PASS=") }.map { String($0.text.dropFirst("Done. ".count)) }
    }

    /// True when dbt printed at least one `N of M START` line: it got as far as running nodes.
    public var ranNodes: Bool {
        lines.contains { $0.time != nil && (Progress($0.text)?.isStart ?? false) }
    }

    /// The last `count` lines, traceback-free, as printed (with the time when there is one).
    public func tail(_ count: Int) -> [String] {
        withoutTracebacks.suffix(max(0, count)).map { line in line.time.map { "\($0)  \(line.text)" } ?? line.text }
    }

    /// Lines whose text (after the time) starts with one of `prefixes`, traceback-free.
    public func lines(startingWith prefixes: [String]) -> [String] {
        withoutTracebacks.map { $0.text.trimmingCharacters(in: .whitespaces) }.filter { text in
            prefixes.contains { text.hasPrefix($0) }
        }
    }
}

/// A node dbt started: `66 of 102 START sql incremental model analytics.core.fct_orders …… [RUN]`.
public struct StartedNode: Sendable, Equatable, Encodable {
    public var number: Int
    public var total: Int
    /// e.g. `sql incremental model analytics.core.fct_orders`, `test not_null_x`, `seed file raw.raw_orders`.
    public var description: String
    /// `HH:MM:SS` of the START line.
    public var startedAt: String?

    enum CodingKeys: String, CodingKey { case number, total, description, startedAt = "started_at" }
}

/// `N of M START …` / `N of M OK created …` / `N of M ERROR …`: one line of dbt's progress.
struct Progress {
    let number: Int
    let total: Int
    let isStart: Bool
    /// After the verb, without the dots and the bracketed result.
    let rest: String

    init?(_ text: String) {
        let words = text.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
        guard words.count >= 4, words[1] == "of", let number = Int(words[0]), let total = Int(words[2]) else { return nil }
        self.number = number
        self.total = total
        isStart = words[3] == "START"
        var rest = words.count > 4 ? String(words[4]) : ""
        if let bracket = rest.range(of: " [", options: .backwards) { rest = String(rest[..<bracket.lowerBound]) }
        while rest.hasSuffix(".") || rest.hasSuffix(" ") { rest.removeLast() }
        self.rest = rest
    }
}

/// One failure dbt listed in its end-of-run summary.
public struct LoggedFailure: Sendable, Equatable, Encodable {
    /// `Failure`, `Warning`, or the error type of a standalone block (`Runtime Error`).
    public var severity: String
    /// `model`, `test`, `seed`, `snapshot`, `source`, …
    public var resourceType: String
    public var name: String
    /// The file in parentheses.
    public var path: String?
    /// The message lines below the header, trimmed (the first is often `Runtime Error in model …`).
    public var messageLines: [String]
    /// `compiled code at target/compiled/…`, when printed.
    public var compiledPath: String?

    public var isWarning: Bool { severity == "Warning" }

    /// How the message reads: a database, compilation or runtime error, a test failure…
    public var kind: NodeErrorKind {
        let standalone = Header.errorTypes.contains(severity)
        let message = ((standalone ? [header] : []) + messageLines).joined(separator: "\n")
        let status: NodeStatus = isWarning ? .warn : (NodeErrorKind.isGotResults(message) ? .fail : .error)
        return NodeErrorKind(resourceType: resourceType, status: status, message: message)
    }

    var header: String { "\(severity) in \(resourceType) \(name)" + (path.map { " (\($0))" } ?? "") }

    enum CodingKeys: String, CodingKey {
        case severity, resourceType = "resource_type", name, path, messageLines = "message_lines"
        case compiledPath = "compiled_path", kind
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(severity, forKey: .severity)
        try container.encode(resourceType, forKey: .resourceType)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(path, forKey: .path)
        try container.encode(messageLines, forKey: .messageLines)
        try container.encodeIfPresent(compiledPath, forKey: .compiledPath)
        try container.encode(kind, forKey: .kind)
    }

    init(_ header: Header) {
        severity = header.severity
        resourceType = header.resourceType
        name = header.name
        path = header.path
        messageLines = []
    }

    /// `Failure in model x (path)`, `Warning in test y (path)`, `Runtime Error in source z (path)`.
    struct Header {
        let severity: String
        let resourceType: String
        let name: String
        let path: String?

        static let errorTypes = ["Runtime Error", "Database Error", "Compilation Error", "Dependency Error", "Parsing Error"]

        init?(_ text: String) {
            let severities = ["Failure", "Warning"] + Self.errorTypes
            guard let severity = severities.first(where: { text.hasPrefix("\($0) in ") }) else { return nil }
            let rest = text.dropFirst(severity.count + 4)
            let words = rest.split(separator: " ", maxSplits: 1)
            guard words.count == 2 else { return nil }
            var name = String(words[1])
            var path: String?
            if let open = name.range(of: " ("), name.hasSuffix(")") {
                path = String(name[open.upperBound..<name.index(before: name.endIndex)])
                name = String(name[..<open.lowerBound])
            }
            self.severity = severity
            resourceType = String(words[0])
            self.name = name
            self.path = path
        }

        var isNestedHeader: Bool { Self.errorTypes.contains(severity) }
    }
}
