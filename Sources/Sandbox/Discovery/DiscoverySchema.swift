import Foundation

/// One run of an environment whose build step left artifacts: the project state it applied.
struct AppliedRun {
    let runID: Int
    let jobID: Int
    let environmentID: Int
    let project: DiscoveryProject
    /// When the build step started and ended on the sandbox's clock.
    let startedAt: Date
    let generatedAt: Date
}

/// The Discovery API's types over the sandbox world: `environment(id:)` (applied state: models,
/// sources, a model's historical runs) and `job(id:, runId:)` (one run's models and tests).
struct DiscoveryRoot: GraphQLObject {
    let api: SandboxAPI
    let now: Date

    var typeName: String { "Query" }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        switch field {
        case "environment":
            guard let id = arguments.int("id") else { throw GraphQLError(message: "Argument \"id\" of type \"BigInt!\" is required.", location: nil) }
            guard let runs = api.appliedRuns(environmentID: id, now: now) else {
                throw GraphQLError(message: "Environment \(id) was not found or you do not have access to it.", location: nil)
            }
            return .object(EnvironmentNode(id: id, runs: runs))
        case "job":
            guard let id = arguments.int("id") else { throw GraphQLError(message: "Argument \"id\" of type \"BigInt!\" is required.", location: nil) }
            guard let runs = api.appliedRuns(jobID: id, now: now) else {
                throw GraphQLError(message: "Job \(id) was not found or you do not have access to it.", location: nil)
            }
            let wanted = arguments.int("runId")
            guard let run = wanted.map({ runID in runs.first { $0.runID == runID } }) ?? runs.first else {
                throw GraphQLError(
                    message: wanted.map { "Run \($0) of job \(id) has no results." } ?? "Job \(id) has no run with results yet.",
                    location: nil)
            }
            return .object(JobNode(run: run))
        default:
            return nil
        }
    }
}

struct EnvironmentNode: GraphQLObject {
    let id: Int
    /// Newest first.
    let runs: [AppliedRun]

    var typeName: String { "Environment" }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        switch field {
        case "id": .int(id)
        case "applied": .object(AppliedStateNode(environmentID: id, runs: runs))
        default: nil
        }
    }
}

struct AppliedStateNode: GraphQLObject {
    let environmentID: Int
    let runs: [AppliedRun]

    var typeName: String { "AppliedState" }
    var latest: AppliedRun? { runs.first }

    static let modelFilterKeys: Set = ["uniqueIds", "identifier", "lastRunStatus", "database", "schema", "tags"]
    static let sourceFilterKeys: Set = ["uniqueIds", "sourceNames", "identifier", "freshnessStatus", "database", "schema", "tags"]

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        switch field {
        case "lastUpdatedAt":
            return .string(latest.map { DiscoveryTime.format($0.generatedAt) })
        case "models":
            let filter = try Self.filter(arguments, allowed: Self.modelFilterKeys, type: "ModelAppliedFilter")
            var models = latest?.project.models ?? []
            if let ids = filter.strings("uniqueIds") { models = models.filter { ids.contains($0.uniqueID) } }
            if let identifier = filter.string("identifier") { models = models.filter { ($0.alias ?? $0.name) == identifier } }
            if let status = filter.string("lastRunStatus") {
                models = models.filter { latest?.project.results[$0.uniqueID]?.status.lowercased() == status.lowercased() }
            }
            models = Self.matching(models, filter)
            let nodes: [any GraphQLObject] = models.compactMap { model in latest.map { ModelNode(model: model, run: $0) } }
            return try Connection.page(nodes, arguments, maximum: 500)
        case "sources":
            let filter = try Self.filter(arguments, allowed: Self.sourceFilterKeys, type: "SourceAppliedFilter")
            var sources = latest?.project.sources ?? []
            if let ids = filter.strings("uniqueIds") { sources = sources.filter { ids.contains($0.uniqueID) } }
            if let names = filter.strings("sourceNames") { sources = sources.filter { names.contains($0.sourceName ?? "") } }
            if let identifier = filter.string("identifier") { sources = sources.filter { ($0.identifier ?? $0.name) == identifier } }
            if let status = filter.string("freshnessStatus") {
                sources = sources.filter { latest?.project.freshness[$0.uniqueID]?.status == status.lowercased() }
            }
            sources = Self.matching(sources, filter)
            let nodes: [any GraphQLObject] = sources.compactMap { source in latest.map { SourceNode(source: source, run: $0) } }
            return try Connection.page(nodes, arguments, maximum: 500)
        case "modelHistoricalRuns":
            guard let uniqueID = arguments.string("uniqueId") else {
                throw GraphQLError(message: "Argument \"uniqueId\" of type \"String!\" is required.", location: nil)
            }
            let count = min(max(arguments.int("lastRunCount") ?? 10, 1), 100)
            let history = runs.filter { $0.project.results[uniqueID] != nil }.prefix(count)
            return .list(history.compactMap { run in run.project.nodes[uniqueID].map { .object(ModelRunNode(model: $0, run: run)) } })
        default:
            return nil
        }
    }

    static func filter(_ arguments: GraphQLArguments, allowed: Set<String>, type: String) throws -> GraphQLArguments {
        guard let value = arguments["filter"] else { return GraphQLArguments(values: [:]) }
        guard case .object(let pairs) = value else {
            throw GraphQLError(message: "Argument \"filter\" has invalid value: expected \(type).", location: nil)
        }
        if let unknown = pairs.first(where: { !allowed.contains($0.0) }) {
            throw GraphQLError(
                message: "Field \"\(unknown.0)\" is not defined by type \"\(type)\" in the sandbox (it knows \(allowed.sorted().joined(separator: ", "))).",
                location: nil)
        }
        return GraphQLArguments(values: Dictionary(pairs) { _, last in last })
    }

    static func matching(_ nodes: [DiscoveryProject.Node], _ filter: GraphQLArguments) -> [DiscoveryProject.Node] {
        nodes.filter { node in
            (filter.string("database").map { $0 == node.database } ?? true)
                && (filter.string("schema").map { $0 == node.schema } ?? true)
                && (filter.strings("tags").map { !Set($0).isDisjoint(with: node.tags) } ?? true)
        }
    }
}

/// A Relay connection: `totalCount`, `pageInfo`, `edges { cursor node }`, paged by `first`/`after`.
struct Connection: GraphQLObject {
    let nodes: [any GraphQLObject]
    let start: Int
    let total: Int
    let typeName: String

    static func page(_ all: [any GraphQLObject], _ arguments: GraphQLArguments, maximum: Int) throws -> GraphQLResult {
        let first = arguments.int("first") ?? 100
        guard (0...maximum).contains(first) else {
            throw GraphQLError(message: "Argument \"first\" must be between 0 and \(maximum), got \(first).", location: nil)
        }
        var start = 0
        if let after = arguments.string("after"), !after.isEmpty {
            guard let index = Self.index(of: after) else {
                throw GraphQLError(message: "Argument \"after\" is not a cursor of this connection.", location: nil)
            }
            start = index + 1
        }
        let page = start < all.count ? Array(all[start..<min(all.count, start + first)]) : []
        let name = (all.first?.typeName ?? "Node") + "Connection"
        return .object(Connection(nodes: page, start: start, total: all.count, typeName: name))
    }

    static func cursor(_ index: Int) -> String { Data("arrayconnection:\(index)".utf8).base64EncodedString() }

    static func index(of cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("arrayconnection:") else { return nil }
        return Int(text.dropFirst("arrayconnection:".count)).flatMap { $0 >= 0 ? $0 : nil }
    }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        switch field {
        case "totalCount":
            return .int(total)
        case "pageInfo":
            return .object(
                Record(
                    typeName: "PageInfo",
                    fields: [
                        "startCursor": .string(nodes.isEmpty ? nil : Self.cursor(start)),
                        "endCursor": .string(nodes.isEmpty ? nil : Self.cursor(start + nodes.count - 1)),
                        "hasNextPage": .bool(start + nodes.count < total), "hasPreviousPage": .bool(start > 0),
                    ]))
        case "edges":
            return .list(
                nodes.enumerated().map { offset, node in
                    .object(Record(typeName: "Edge", fields: ["cursor": .string(Self.cursor(start + offset)), "node": .object(node)]))
                })
        default:
            return nil
        }
    }
}

/// An object whose fields are fixed values.
struct Record: GraphQLObject {
    let typeName: String
    var interfaces: [String] = []
    let fields: [String: GraphQLResult]

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? { fields[field] }
}

/// The fields every node answers.
extension DiscoveryProject.Node {
    func commonField(_ field: String) -> GraphQLResult? {
        switch field {
        case "uniqueId": .string(uniqueID)
        case "name": .string(name)
        case "resourceType": .string(resourceType)
        case "description": .string(description)
        case "filePath": .string(filePath)
        case "packageName": .string(packageName)
        case "tags": .strings(tags)
        case "database": .string(database)
        case "schema": .string(schema)
        case "alias": .string(alias)
        default: nil
        }
    }
}

struct ModelNode: GraphQLObject {
    let model: DiscoveryProject.Node
    let run: AppliedRun

    var typeName: String { "ModelAppliedStateNode" }
    var interfaces: [String] { ["EnvironmentAppliedNode"] }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        if let common = model.commonField(field) { return common }
        let project = run.project
        switch field {
        case "materializedType": return .string(model.materialized)
        case "rawCode": return .string(model.rawCode)
        case "compiledCode": return .string(model.compiledCode)
        case "environmentId": return .int(run.environmentID)
        case "executionInfo": return .object(ExecutionInfo.model(model.uniqueID, run: run))
        case "parents": return .list(NestedNode.list(project.parents[model.uniqueID] ?? [], run: run))
        case "children": return .list(NestedNode.list(project.children[model.uniqueID] ?? [], run: run))
        case "ancestors":
            let types = Set((arguments.strings("types") ?? []).map { $0.lowercased() })
            let ids = project.ancestors(of: model.uniqueID).filter { id in
                types.isEmpty || project.nodes[id].map { types.contains($0.resourceType) } == true
            }
            return .list(NestedNode.list(ids, run: run))
        case "tests": return .list(NestedNode.list(project.tests(of: model.uniqueID).map(\.uniqueID), run: run))
        default: return nil
        }
    }
}

struct SourceNode: GraphQLObject {
    let source: DiscoveryProject.Node
    let run: AppliedRun

    var typeName: String { "SourceAppliedStateNode" }
    var interfaces: [String] { ["EnvironmentAppliedNode"] }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        if let common = source.commonField(field) { return common }
        switch field {
        case "sourceName": return .string(source.sourceName)
        case "identifier": return .string(source.identifier)
        case "environmentId": return .int(run.environmentID)
        case "freshness": return .object(FreshnessNode.of(source.uniqueID, run: run))
        case "tests": return .list(NestedNode.list(run.project.tests(of: source.uniqueID).map(\.uniqueID), run: run))
        case "children": return .list(NestedNode.list(run.project.children[source.uniqueID] ?? [], run: run))
        default: return nil
        }
    }
}

enum FreshnessNode {
    static func of(_ uniqueID: String, run: AppliedRun) -> Record {
        let freshness = run.project.freshness[uniqueID]
        return Record(
            typeName: "SourceFreshnessNode",
            fields: [
                "freshnessStatus": .string(freshness?.status), "freshnessChecked": .bool(freshness != nil),
                "maxLoadedAt": .string(freshness?.maxLoadedAt), "maxLoadedAtTimeAgoInS": .double(freshness?.ageSeconds),
                "snapshottedAt": .string(freshness?.checkedAt), "freshnessRunId": .int(freshness == nil ? nil : run.runID),
                "freshnessJobDefinitionId": .int(freshness == nil ? nil : run.jobID),
                "freshnessRunGeneratedAt": .string(freshness == nil ? nil : DiscoveryTime.format(run.generatedAt)),
            ])
    }
}

/// A node reached through lineage (`parents`, `children`, `ancestors`, `tests`).
enum NestedNode {
    static let typeNames: [String: String] = [
        "model": "ModelAppliedStateNestedNode", "source": "SourceAppliedStateNestedNode", "seed": "SeedAppliedStateNestedNode",
        "snapshot": "SnapshotAppliedStateNestedNode", "test": "TestAppliedStateNestedNode",
        "exposure": "ExposureAppliedStateNestedNode",
    ]

    static func list(_ ids: [String], run: AppliedRun) -> [GraphQLResult] {
        ids.compactMap { run.project.nodes[$0] }.compactMap { node in
            guard let typeName = typeNames[node.resourceType] else { return nil }
            return .object(Nested(node: node, run: run, typeName: typeName))
        }
    }

    struct Nested: GraphQLObject {
        let node: DiscoveryProject.Node
        let run: AppliedRun
        let typeName: String
        var interfaces: [String] { ["EnvironmentAppliedNestedNode"] }

        func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
            if let common = node.commonField(field) { return common }
            switch (node.resourceType, field) {
            case ("model", "materializedType"), ("seed", "materializedType"), ("snapshot", "materializedType"):
                return .string(node.materialized)
            case ("model", "executionInfo"), ("seed", "executionInfo"), ("snapshot", "executionInfo"), ("test", "executionInfo"):
                return .object(ExecutionInfo.model(node.uniqueID, run: run))
            case ("source", "sourceName"): return .string(node.sourceName)
            case ("source", "identifier"): return .string(node.identifier)
            case ("source", "freshness"): return .object(FreshnessNode.of(node.uniqueID, run: run))
            case ("test", "testType"): return .string(node.uniqueID.split(separator: ".").count > 3 ? "generic" : "singular")
            default: return nil
            }
        }
    }
}

enum ExecutionInfo {
    static func model(_ uniqueID: String, run: AppliedRun) -> Record {
        let result = run.project.results[uniqueID]
        let times = DiscoveryTime.shifted(result, run: run)
        let succeeded = ["success", "pass"].contains(result?.status ?? "")
        return Record(
            typeName: "ModelExecutionInfoNode",
            fields: [
                "lastRunId": .int(result == nil ? nil : run.runID), "lastJobDefinitionId": .int(result == nil ? nil : run.jobID),
                "lastRunStatus": .string(result?.status), "lastRunError": .string(result?.status == "error" ? result?.message : nil),
                "lastSuccessRunId": .int(succeeded ? run.runID : nil), "lastSuccessJobDefinitionId": .int(succeeded ? run.jobID : nil),
                "executionTime": .double(result?.executionTime), "executeStartedAt": .string(times.started),
                "executeCompletedAt": .string(times.completed),
                "runGeneratedAt": .string(result == nil ? nil : DiscoveryTime.format(run.generatedAt)),
                "lastRunGeneratedAt": .string(result == nil ? nil : DiscoveryTime.format(run.generatedAt)),
            ])
    }
}

/// One run's result for a model (`modelHistoricalRuns`, and the models of `job(id:)`).
struct ModelRunNode: GraphQLObject {
    let model: DiscoveryProject.Node
    let run: AppliedRun

    var typeName: String { "ModelNode" }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        if let common = model.commonField(field) { return common }
        let result = run.project.results[model.uniqueID]
        let times = DiscoveryTime.shifted(result, run: run)
        switch field {
        case "runId": return .int(run.runID)
        case "jobId": return .int(run.jobID)
        case "environmentId": return .int(run.environmentID)
        case "status": return .string(result?.status)
        case "error": return .string(result?.status == "error" ? result?.message : nil)
        case "executionTime": return .double(result?.executionTime)
        case "executeStartedAt": return .string(times.started)
        case "executeCompletedAt": return .string(times.completed)
        case "runGeneratedAt": return .string(DiscoveryTime.format(run.generatedAt))
        case "materializedType": return .string(model.materialized)
        case "rawCode": return .string(model.rawCode)
        case "compiledCode": return .string(model.compiledCode)
        case "tests":
            return .list(run.project.tests(of: model.uniqueID).map { .object(TestRunNode(test: $0, run: run)) })
        default: return nil
        }
    }
}

struct TestRunNode: GraphQLObject {
    let test: DiscoveryProject.Node
    let run: AppliedRun

    var typeName: String { "TestNode" }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        if let common = test.commonField(field) { return common }
        let result = run.project.results[test.uniqueID]
        switch field {
        case "runId": return .int(run.runID)
        case "jobId": return .int(run.jobID)
        case "status": return .string(result?.status)
        case "error": return .string(["error", "fail"].contains(result?.status ?? "") ? result?.message : nil)
        case "executionTime": return .double(result?.executionTime)
        case "executeCompletedAt": return .string(DiscoveryTime.shifted(result, run: run).completed)
        default: return nil
        }
    }
}

struct JobNode: GraphQLObject {
    let run: AppliedRun

    var typeName: String { "JobNode" }

    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult? {
        let project = run.project
        switch field {
        case "id": return .int(run.jobID)
        case "runId": return .int(run.runID)
        case "models", "tests":
            let kind = field == "models" ? "model" : "test"
            var nodes = project.nodes.values.filter { $0.resourceType == kind && project.results[$0.uniqueID] != nil }
                .sorted { $0.uniqueID < $1.uniqueID }
            if let id = arguments.string("uniqueId") { nodes = nodes.filter { $0.uniqueID == id } }
            let first = min(max(arguments.int("first") ?? nodes.count, 0), 100_000)
            let skip = arguments.string("after").flatMap(Connection.index(of:)).map { $0 + 1 } ?? 0
            let page = nodes.dropFirst(skip).prefix(first)
            return .list(page.map { kind == "model" ? .object(ModelRunNode(model: $0, run: run)) : .object(TestRunNode(test: $0, run: run)) })
        default:
            return nil
        }
    }
}

/// Discovery timestamps (`2026-11-28T23:57:16.368Z`), and a fixture's execution times moved to
/// the run that replays it.
enum DiscoveryTime {
    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var millis = Int(((interval - Double(seconds)) * 1_000).rounded())
        if millis >= 1_000 {
            seconds += 1
            millis -= 1_000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// `2026-11-28T23:57:15.955842Z` or `…+00:00` (UTC only, as dbt writes them).
    static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        guard scalars.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: scalars[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var fraction = 0.0
        if scalars.count > 20, scalars[19] == UInt8(ascii: ".") {
            let digits = scalars[20...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.prefix(9)
            fraction = Double("0." + String(decoding: digits, as: UTF8.self)) ?? 0
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: Double(timegm(&parts)) + fraction)
    }

    /// The recorded execute times, shifted so that the build step's first result starts when the
    /// run's build step started.
    static func shifted(_ result: DiscoveryProject.Result?, run: AppliedRun) -> (started: String?, completed: String?) {
        guard let result, let started = result.startedAt.flatMap(parse), let completed = result.completedAt.flatMap(parse),
            let origin = run.project.origin
        else { return (nil, nil) }
        let offset = run.startedAt.timeIntervalSince(origin)
        return (format(started.addingTimeInterval(offset)), format(completed.addingTimeInterval(offset)))
    }
}
