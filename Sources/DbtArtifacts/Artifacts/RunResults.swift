import Foundation

/// One entry of `run_results.json` `results[]`.
public struct NodeResult: Sendable, Encodable {
    public var uniqueID: String
    public var status: NodeStatus
    public var message: String?
    public var failures: Int?
    public var executionTime: Double?
    public var relationName: String?
    public var compiled: Bool?
    public var threadID: String?
    public var adapterMessage: String?
    public var rowsAffected: Int?
    /// Byte offset of the `compiled_code` value, decoded on demand.
    var compiledCodeOffset: Int?
    /// Byte offset of the `timing` array, decoded on demand.
    var timingOffset: Int?

    public var resourceType: String { NodeNames.resourceType(of: uniqueID) }
    public var hasCompiledCode: Bool { compiledCodeOffset != nil }

    init(uniqueID: String, status: NodeStatus) {
        self.uniqueID = uniqueID
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", status, message, failures
        case executionTime = "execution_time", relationName = "relation_name", compiled
        case threadID = "thread_id", adapterMessage = "adapter_message", rowsAffected = "rows_affected"
    }
}

/// When a node ran, as ISO-8601 text from run_results `timing[]`.
public struct NodeTiming: Sendable, Encodable, Equatable {
    public var startedAt: String?
    public var completedAt: String?

    enum CodingKeys: String, CodingKey { case startedAt = "started_at", completedAt = "completed_at" }
}

/// Which dbt command wrote a run_results.json, from `args.which`.
public enum DbtCommand: Sendable, Equatable {
    case build, run, test, seed, snapshot, compile, docsGenerate, other(String), unknown

    init(which: String?) {
        switch which {
        case "build": self = .build
        case "run": self = .run
        case "test": self = .test
        case "seed": self = .seed
        case "snapshot": self = .snapshot
        case "compile": self = .compile
        case "generate": self = .docsGenerate
        case nil: self = .unknown
        case let other?: self = .other(other)
        }
    }

    /// False for `dbt docs generate` and `dbt compile`, whose results are all compile-only successes.
    public var executesNodes: Bool {
        switch self {
        case .docsGenerate, .compile: return false
        default: return true
        }
    }
}

/// run_results.json (v6; older versions read the same way).
public struct RunResults: Sendable {
    public let metadata: ArtifactMetadata
    /// `args.which`: "build", "run", "test", "generate" (docs generate), …
    public let which: String?
    /// `args.invocation_command`, e.g. "dbt build".
    public let invocationCommand: String?
    public let elapsedTime: Double?
    public let results: [NodeResult]
    private let indexByID: [String: Int]
    private let data: Data

    public var command: DbtCommand { DbtCommand(which: which) }

    public func result(for uniqueID: String) -> NodeResult? {
        indexByID[uniqueID].map { results[$0] }
    }

    /// The SQL dbt ran for the node in this invocation (`compiled_code`), if any.
    public func compiledCode(of uniqueID: String) -> String? {
        guard let offset = result(for: uniqueID)?.compiledCodeOffset else { return nil }
        return data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: offset)
            return try? scanner.readOptionalString()
        }
    }

    public var summary: StatusSummary { StatusSummary(results.map(\.status)) }

    public static func decode(_ data: Data) throws(ArtifactError) -> RunResults {
        try decodeArtifact(data, as: .runResults) { scanner in
            var metadata = ArtifactMetadata()
            var which: String?
            var invocationCommand: String?
            var elapsedTime: Double?
            var results: [NodeResult]?
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                if scanner.key(key, is: "metadata") {
                    metadata = try ArtifactMetadata.read(&scanner)
                    try metadata.check(expected: .runResults)
                } else if scanner.key(key, is: "results") {
                    results = try readResults(&scanner)
                } else if scanner.key(key, is: "elapsed_time") {
                    elapsedTime = try scanner.readOptionalDouble()
                } else if scanner.key(key, is: "args") {
                    (which, invocationCommand) = try readArgs(&scanner)
                } else {
                    try scanner.skipValue()
                }
            }
            guard let results else { throw metadata.missingResults(expected: .runResults) }
            return RunResults(
                metadata: metadata, which: which, invocationCommand: invocationCommand,
                elapsedTime: elapsedTime, results: results, data: data
            )
        }
    }

    private init(
        metadata: ArtifactMetadata, which: String?, invocationCommand: String?,
        elapsedTime: Double?, results: [NodeResult], data: Data
    ) {
        self.metadata = metadata
        self.which = which
        self.invocationCommand = invocationCommand
        self.elapsedTime = elapsedTime
        self.results = results
        self.data = data
        var index: [String: Int] = [:]
        index.reserveCapacity(results.count)
        for (position, result) in results.enumerated() { index[result.uniqueID] = position }
        indexByID = index
    }

    private static func readArgs(_ scanner: inout JSONScanner) throws(JSONScanError) -> (String?, String?) {
        var which: String?
        var command: String?
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "which") {
                which = try scanner.readOptionalString()
            } else if scanner.key(key, is: "invocation_command") {
                command = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        return (which, command)
    }

    private static func readResults(_ scanner: inout JSONScanner) throws(JSONScanError) -> [NodeResult] {
        var results: [NodeResult] = []
        try scanner.beginArray()
        while try scanner.nextElement() {
            if let result = try readResult(&scanner) { results.append(result) }
        }
        return results
    }

    private static func readResult(_ scanner: inout JSONScanner) throws(JSONScanError) -> NodeResult? {
        var result = NodeResult(uniqueID: "", status: NodeStatus(""))
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "unique_id") {
                result.uniqueID = try scanner.readOptionalString() ?? ""
            } else if scanner.key(key, is: "status") {
                result.status = NodeStatus(try scanner.readOptionalString() ?? "")
            } else if scanner.key(key, is: "message") {
                result.message = try scanner.readOptionalString()
            } else if scanner.key(key, is: "failures") {
                result.failures = try scanner.readOptionalInt()
            } else if scanner.key(key, is: "execution_time") {
                result.executionTime = try scanner.readOptionalDouble()
            } else if scanner.key(key, is: "relation_name") {
                result.relationName = try scanner.readOptionalString()
            } else if scanner.key(key, is: "compiled") {
                result.compiled = try scanner.readOptionalBool()
            } else if scanner.key(key, is: "thread_id") {
                result.threadID = try scanner.readOptionalString()
            } else if scanner.key(key, is: "compiled_code") {
                if try scanner.peek() == UInt8(ascii: "\"") { result.compiledCodeOffset = scanner.position }
                try scanner.skipValue()
            } else if scanner.key(key, is: "adapter_response") {
                (result.adapterMessage, result.rowsAffected) = try readAdapterResponse(&scanner)
            } else if scanner.key(key, is: "timing") {
                result.timingOffset = scanner.position
                try scanner.skipValue()
            } else {
                try scanner.skipValue()
            }
        }
        return result.uniqueID.isEmpty ? nil : result
    }

    private static func readAdapterResponse(_ scanner: inout JSONScanner) throws(JSONScanError) -> (String?, Int?) {
        var message: String?
        var rows: Int?
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "_message") {
                message = try scanner.readOptionalString()
            } else if scanner.key(key, is: "rows_affected") {
                rows = try scanner.readOptionalInt()
            } else {
                try scanner.skipValue()
            }
        }
        return (message, rows)
    }

    /// When the node started (its first timing phase) and ended (its last one); nil for skipped nodes.
    public func timing(of uniqueID: String) -> NodeTiming? {
        guard let offset = result(for: uniqueID)?.timingOffset else { return nil }
        return data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: offset)
            guard let (started, completed) = try? Self.readTiming(&scanner), started != nil || completed != nil else { return nil }
            return NodeTiming(startedAt: started, completedAt: completed)
        }
    }

    /// The start of the first timing phase and the end of the last one.
    private static func readTiming(_ scanner: inout JSONScanner) throws(JSONScanError) -> (String?, String?) {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            try scanner.skipValue()
            return (nil, nil)
        }
        var started: String?
        var completed: String?
        try scanner.beginArray()
        while try scanner.nextElement() {
            try scanner.readObject { scanner, key throws(JSONScanError) in
                if scanner.key(key, is: "started_at") {
                    let value = try scanner.readOptionalString()
                    if started == nil { started = value }
                } else if scanner.key(key, is: "completed_at") {
                    completed = try scanner.readOptionalString() ?? completed
                } else {
                    try scanner.skipValue()
                }
            }
        }
        return (started, completed)
    }
}

/// Counts per status, printed like dbt's last line: `PASS=76 WARN=1 ERROR=2 SKIP=14 NO-OP=0 TOTAL=93`.
public struct StatusSummary: Sendable, Encodable, Equatable {
    /// success + pass
    public var pass = 0
    public var warn = 0
    /// error + fail (+ runtime error)
    public var error = 0
    public var skip = 0
    public var noOp = 0
    public var total = 0
    /// Every raw status with its count, e.g. ["pass": 56, "success": 20, …].
    public var byStatus: [String: Int] = [:]

    public init(_ statuses: some Sequence<NodeStatus>) {
        for status in statuses {
            total += 1
            byStatus[status.rawValue, default: 0] += 1
            switch status {
            case .success, .pass: pass += 1
            case .warn: warn += 1
            case .skipped: skip += 1
            case .noOp: noOp += 1
            default: if status.isFailure { error += 1 }
            }
        }
    }

    public var line: String {
        "PASS=\(pass) WARN=\(warn) ERROR=\(error) SKIP=\(skip) NO-OP=\(noOp) TOTAL=\(total)"
    }

    enum CodingKeys: String, CodingKey {
        case pass, warn, error, skip, noOp = "no_op", total, byStatus = "by_status"
    }
}
