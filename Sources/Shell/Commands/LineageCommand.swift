import DbtArtifacts
import Foundation
import TerminalText

struct LineageCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "lineage", summary: "what a node reads from and what reads from it, as trees marked with each node's status in the run",
        discussion: "From the run's manifest.json and run_results.json (of the step that ran dbt). --up and --down set how many levels are drawn (default: 1 up, every level down; 0 leaves that side out); tests are left out unless --tests. Exposures (dashboards, applications) downstream of a node that failed, or of the node itself when it was skipped, are called out as stale.",
        examples: ["lineage int_customer_order_history", "lineage dim_customers --up 3 --down 0", "lineage fct_orders --run 959 --json"],
        fields: ["unique_id", "run_id", "status", "upstream", "downstream", "stale_exposures"])
    @Argument("NODE", .node) var node: String
    @Option("up", valueName: "N", help: "levels upstream (default 1; 0 for none)") var up = 1
    @Option("down", valueName: "N", help: "levels downstream (default: all; 0 for none)") var down: Int?
    @Flag("tests", help: "draw tests too") var tests: Bool
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
    @OptionGroup var files: LocalArtifactOptions
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        guard up >= 0, (down ?? 0) >= 0 else { throw CommandFailure.usage("lineage: --up and --down take a number of levels, 0 or more") }
        let artifacts = RunArtifacts(session: session, files: files)
        let runID = artifacts.usesLocalFiles ? nil : try await session.requireRun(runRef)
        let (manifest, results) = try await Self.load(artifacts, files: files, runID: runID, session: session)
        let uniqueID = try NodeChoice.pick(node, SQLLookup(results: results, manifest: manifest).resolve(node))
        let lineage = Lineage(manifest: manifest, results: results)
        let upstream = up > 0 ? lineage.upstream(of: uniqueID, depth: up, includeTests: tests) : nil
        let downstream = down == 0 ? nil : lineage.downstream(of: uniqueID, depth: down, includeTests: tests)
        let report = LineageReport(
            uniqueID: uniqueID, runID: runID, status: results?.result(for: uniqueID)?.status, upstream: upstream, downstream: downstream,
            stale: StaleExposure.find(root: uniqueID, downstream: downstream, lineage: lineage, manifest: manifest, results: results))
        try DataOutput(session, output, command: "lineage").printRecord(try JSONText.value(report)) {
            report.print(up: up, to: session.console)
        }
        return 0
    }

    /// The manifest (required) and run_results (when there are some) of the run or the local files.
    static func load(_ artifacts: RunArtifacts, files: LocalArtifactOptions, runID: Int?, session: Session) async throws
        -> (Manifest, RunResults?)
    {
        if let local = files.manifest {
            let manifest = try RunArtifacts.decodeLocal(local, Manifest.decode)
            let results = files.file == nil ? nil : try await artifacts.runResults(runID: nil)
            return (manifest, results)
        }
        guard let runID else { throw CommandFailure.usage("lineage: --file needs --manifest (the lineage is in manifest.json)") }
        let store = ArtifactStore(session: session)
        let missing = MissingArtifact(session: session)
        async let results = try? store.runResults(runID: runID, step: files.step)
        let manifest = try await missing.explaining(runID: runID, step: files.step) {
            try await store.manifest(runID: runID, step: files.step)
        }
        return (manifest, await results)
    }
}

/// An exposure fed, through the lineage, by a node that failed or was skipped.
struct StaleExposure: Encodable, Equatable {
    let uniqueID: String
    let name: String
    let type: String?
    let label: String?
    /// The failed (or skipped) node it depends on.
    let because: String
    let becauseStatus: String

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", name, type, label, because, becauseStatus = "because_status"
    }

    /// Exposures downstream of the failures in the drawn downstream tree, or of the root when it was skipped.
    static func find(root: String, downstream: LineageNode?, lineage: Lineage, manifest: Manifest, results: RunResults?) -> [StaleExposure] {
        guard let results else { return [] }
        var sources: [String] = []
        if results.result(for: root)?.status == .skipped { sources.append(root) }
        let drawn = downstream?.flattened().map(\.node.uniqueID) ?? [root]
        for id in drawn where results.result(for: id)?.status.isFailure == true && !sources.contains(id) { sources.append(id) }
        var seen: Set<String> = []
        var stale: [StaleExposure] = []
        for source in sources {
            let status = results.result(for: source)?.status.rawValue ?? "failed"
            for exposure in lineage.exposuresDownstream(of: source) where seen.insert(exposure).inserted {
                let node = manifest.node(exposure)
                stale.append(StaleExposure(
                    uniqueID: exposure, name: node?.name ?? NodeNames.shortName(exposure), type: node?.exposureType, label: node?.label,
                    because: source, becauseStatus: status))
            }
        }
        return stale
    }

    /// `dashboard weekly_revenue_dashboard (Weekly Revenue (Finance)) is stale: …`
    func sentence(runID: Int?) -> String {
        let labelText = label.map { " (\($0))" } ?? ""
        let inRun = runID.map { " in run \($0)" } ?? ""
        let verb = becauseStatus == "skipped" ? "was skipped" : (becauseStatus == "fail" ? "failed" : "errored")
        return "\(type ?? "exposure") \(name)\(labelText) is stale: it depends on \(NodeNames.shortName(because)), which \(verb)\(inRun)"
    }
}

/// `lineage` for text and JSON.
struct LineageReport: Encodable {
    let uniqueID: String
    let runID: Int?
    let status: NodeStatus?
    let upstream: LineageNode?
    let downstream: LineageNode?
    let stale: [StaleExposure]

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", runID = "run_id", status, upstream, downstream, stale = "stale_exposures"
    }

    func print(up: Int, to console: Console) {
        if let upstream {
            console.line(.styled("upstream (\(up) level\(up == 1 ? "" : "s")): what \(NodeNames.shortName(uniqueID)) reads from", .heading))
            LineageTree.print(upstream, to: console)
        }
        if let downstream {
            if upstream != nil { console.line() }
            console.line(.styled("downstream: what reads from \(NodeNames.shortName(uniqueID))", .heading))
            LineageTree.print(downstream, to: console)
        }
        if !stale.isEmpty {
            console.line()
            for exposure in stale { console.line(.styled(exposure.sentence(runID: runID), .failure)) }
        }
    }
}

/// A lineage tree drawn with box characters, each node with its type and status.
enum LineageTree {
    static func print(_ root: LineageNode, to console: Console) {
        console.line(label(root))
        draw(root.children, prefix: "", to: console)
    }

    private static func draw(_ children: [LineageNode], prefix: String, to console: Console) {
        for (index, child) in children.enumerated() {
            let last = index == children.count - 1
            console.line(ConsoleText(prefix + (last ? "└── " : "├── ")) + label(child))
            draw(child.children, prefix: prefix + (last ? "    " : "│   "), to: console)
        }
    }

    static func label(_ node: LineageNode) -> ConsoleText {
        var text = ConsoleText("\(node.name)  \(node.resourceType)")
        if let status = node.status {
            text.append("  ")
            text.append(mark(status) + " " + status.rawValue, style: style(status))
        }
        if node.isRepeat { text.append("  (see above)", style: .muted) }
        if node.isCut { text.append("  …", style: .muted) }
        return text
    }

    static func mark(_ status: NodeStatus) -> String {
        if status.isGood { return "✓" }
        if status.isFailure { return "✗" }
        if status == .warn { return "!" }
        return "–"
    }

    static func style(_ status: NodeStatus) -> TextStyle {
        if status.isGood { return .success }
        if status.isFailure { return .failure }
        return .warning
    }
}
