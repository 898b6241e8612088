import DbtCloud
import Foundation

/// The named Discovery queries, as `query <TAB>` offers them.
enum NamedQueryNames {
    static let all = ["lineage", "model-history", "stale-sources"]
}

/// `--environment E` of the named queries: the environment whose applied state is asked.
struct DiscoveryEnvironmentOption: ParsableOptions {
    @Option("environment", .environment, valueName: "E", help: "another environment than the context's") var environment: String?

    func id(for command: String, session: Session) async throws -> Int {
        if let environment { return try await EntityResolver(session: session).environment(environment).entry.id }
        guard let current = session.context.environment else {
            throw CommandFailure.usage("\(command): no environment in context; 'use environment ID' or --environment E")
        }
        return current.id
    }
}

struct QueryModelHistoryCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "query model-history", summary: "a model's last runs in the environment: status, time, tests (Discovery)",
        discussion: "MODEL is a model's name, its relation name, or its unique id (model.package.name). --json prints the API's runs.",
        examples: ["query model-history fct_orders", "query model-history model.lumen_shop.fct_orders --last 5 --json"],
        fields: ["run", "job", "status", "generated", "time", "tests", "error"], rawFields: true)
    @Argument("MODEL", .node, help: "model name or unique id") var model: String
    @Option("last", valueName: "N", help: "how many runs (default 20)") var last = 20
    @OptionGroup var environment: DiscoveryEnvironmentOption
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        guard (1...1_000).contains(last) else { throw CommandFailure.usage("\(command): --last is a number from 1 to 1000") }
        let environmentID = try await environment.id(for: command, session: session)
        let client = try session.api()
        let uniqueID = try await client.modelUniqueID(environmentID: environmentID, model)
        let runs = try await client.modelHistoricalRuns(environmentID: environmentID, uniqueID: uniqueID, lastRunCount: last)
        try ListingOutput<ModelRun>(
            columns: [
                Table.Column("RUN", alignment: .right, priority: 0, truncates: false),
                Table.Column("JOB", alignment: .right, truncates: false), Table.Column("STATUS", priority: 0, truncates: false),
                Table.Column("GENERATED", priority: 0, truncates: false), Table.Column("TIME", alignment: .right, truncates: false),
                Table.Column("TESTS", priority: 2), Table.Column("ERROR", priority: 3),
            ],
            row: { run in
                [run.runID.map(String.init) ?? "", run.jobID.map(String.init) ?? "", run.status ?? "",
                 run.generatedAt.map(TimeText.short) ?? "", run.executionTime.map { String(format: "%.2fs", $0) } ?? "",
                 Self.tests(run.tests), run.error ?? ""]
            },
            raw: \.raw
        ).print(runs, output: output, session: session, emptyMessage: "no runs of \(uniqueID) in environment \(environmentID)", command: command)
        return 0
    }

    /// `12 pass, 1 fail`.
    static func tests(_ tests: [(name: String, status: String?)]) -> String {
        var counts: [String: Int] = [:]
        for test in tests { counts[test.status ?? "unknown", default: 0] += 1 }
        return counts.keys.sorted().map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
    }
}

struct QueryLineageCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "query lineage", summary: "a model's parents, children and further ancestors, with their last status (Discovery)",
        discussion: "MODEL is a model's name, its relation name, or its unique id. STATUS is a model's last run status or a source's freshness.",
        examples: ["query lineage fct_orders", "query lineage int_customer_order_history --json"],
        fields: ["relation", "type", "name", "status", "unique_id"])
    @Argument("MODEL", .node, help: "model name or unique id") var model: String
    @OptionGroup var environment: DiscoveryEnvironmentOption
    @OptionGroup var output: OutputOptions

    struct Row {
        let relation: String
        let node: LineageNode

        var json: JSONValue {
            .object([
                "relation": .string(relation), "unique_id": node.uniqueID.map(JSONValue.string) ?? .null,
                "name": node.name.map(JSONValue.string) ?? .null, "resource_type": node.resourceType.map(JSONValue.string) ?? .null,
                "status": node.status.map(JSONValue.string) ?? .null,
            ])
        }
    }

    func run(in session: Session) async throws -> Int32 {
        let environmentID = try await environment.id(for: Self.configuration.name, session: session)
        let client = try session.api()
        let uniqueID = try await client.modelUniqueID(environmentID: environmentID, model)
        let lineage = try await client.modelLineage(environmentID: environmentID, uniqueID: uniqueID)
        let parents = Set(lineage.parents.compactMap(\.uniqueID))
        let rows = lineage.parents.map { Row(relation: "parent", node: $0) }
            + lineage.ancestors.filter { !parents.contains($0.uniqueID ?? "") }.map { Row(relation: "ancestor", node: $0) }
            + lineage.children.map { Row(relation: "child", node: $0) }
        try ListingOutput<Row>(
            columns: [
                Table.Column("RELATION", priority: 0, truncates: false), Table.Column("TYPE", truncates: false),
                Table.Column("NAME", priority: 0, minimumWidth: 20), Table.Column("STATUS", priority: 0, truncates: false),
                Table.Column("UNIQUE ID", priority: 3, minimumWidth: 30),
            ],
            row: { [$0.relation, $0.node.resourceType ?? "", $0.node.name ?? "", $0.node.status ?? "", $0.node.uniqueID ?? ""] },
            raw: \.json
        ).print(rows, output: output, session: session, emptyMessage: "\(uniqueID) has no parents or children in environment \(environmentID)",
                 command: Self.configuration.name)
        return 0
    }
}

struct QueryStaleSourcesCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "query stale-sources", summary: "the environment's sources whose last freshness check warned or failed (Discovery)",
        examples: ["query stale-sources", "query stale-sources --environment 211 --json"],
        fields: ["source", "status", "loaded_at", "age", "unique_id"])
    @OptionGroup var environment: DiscoveryEnvironmentOption
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let environmentID = try await environment.id(for: Self.configuration.name, session: session)
        let sources = try await session.api().staleSources(environmentID: environmentID)
        try ListingOutput<StaleSource>(
            columns: [
                Table.Column("SOURCE", priority: 0, minimumWidth: 20), Table.Column("STATUS", priority: 0, truncates: false),
                Table.Column("LOADED AT", truncates: false), Table.Column("AGE", alignment: .right, truncates: false),
                Table.Column("UNIQUE ID", priority: 3, minimumWidth: 30),
            ],
            row: { source in
                [[source.sourceName, source.name].compactMap { $0 }.joined(separator: "."), source.status,
                 source.maxLoadedAt.map(TimeText.short) ?? "", TimeText.duration(source.ageSeconds.flatMap { $0.isFinite && abs($0) < 1e12 ? $0 : nil }), source.uniqueID]
            },
            raw: { source in
                .object([
                    "unique_id": .string(source.uniqueID), "source_name": source.sourceName.map(JSONValue.string) ?? .null,
                    "name": source.name.map(JSONValue.string) ?? .null, "status": .string(source.status),
                    "max_loaded_at": source.maxLoadedAt.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null,
                    "max_loaded_at_time_ago_in_s": source.ageSeconds.map(JSONValue.double) ?? .null,
                ])
            }
        ).print(sources, output: output, session: session, emptyMessage: "no stale sources in environment \(environmentID): every freshness check passed",
                 command: Self.configuration.name)
        return 0
    }
}
