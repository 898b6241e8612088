import Foundation
import Testing
@testable import DbtArtifacts
import Synchronization

@Suite struct UnifiedDiffTests {
    @Test func printsHunksLikeDiffU() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
        let diff = UnifiedDiff(old: old, new: new, oldLabel: "run 946", newLabel: "run 947", context: 2)
        #expect(diff.text == """
            --- run 946
            +++ run 947
            @@ -2,5 +2,5 @@
             b
             c
            -d
            +D
             e
             f
            @@ -9,2 +9,3 @@
             i
             j
            +k
            """)
        #expect(diff.lines.map(\.kind).filter { $0 == .removed }.count == 1)
        #expect(!diff.isWholeReplacement)
    }

    @Test func equalTextsHaveNoDiffAndEmptySidesWork() {
        #expect(UnifiedDiff(old: "x\n", new: "x", oldLabel: "a", newLabel: "b").isEmpty)
        let added = UnifiedDiff(old: "", new: "one\ntwo", oldLabel: "a", newLabel: "b")
        #expect(added.lines.map(\.text) == ["--- a", "+++ b", "@@ -0,0 +1,2 @@", "+one", "+two"])
        let removed = UnifiedDiff(old: "one", new: "", oldLabel: "a", newLabel: "b")
        #expect(removed.lines.map(\.text) == ["--- a", "+++ b", "@@ -1,1 +0,0 @@", "-one"])
    }

    @Test func tooManyEditsBecomeOneReplacement() {
        let old = (0..<300).map { "old \($0)" }.joined(separator: "\n")
        let new = (0..<300).map { "new \($0)" }.joined(separator: "\n")
        let diff = UnifiedDiff(old: old, new: new, oldLabel: "a", newLabel: "b", maxEdits: 50)
        #expect(diff.isWholeReplacement)
        #expect(diff.lines.filter { $0.kind == .removed }.count == 300)
        #expect(diff.lines.filter { $0.kind == .added }.count == 300)
    }

    @Test func compiledSQLOfTheBrokenModelAgainstTheLastGoodRun() throws {
        let good = try Fixture.runResults("daily_pass/steps/2_build/run_results.json")
        let bad = try Fixture.runResults("multiple_failures/steps/2_build/run_results.json")
        let id = "model.lumen_shop.int_customer_order_history"
        let diff = UnifiedDiff(
            old: try #require(good.compiledCode(of: id)), new: try #require(bad.compiledCode(of: id)), oldLabel: "run 946",
            newLabel: "run 947")
        #expect(diff.lines.filter { $0.kind == .removed }.map(\.text) == [
            "-    sum(order_total_usd)                                 as lifetime_order_value_usd,",
        ])
        #expect(diff.lines.filter { $0.kind == .added }.map(\.text) == [
            "+    -- use the finance definition of order value (excludes shipping)",
            "+    sum(gross_order_value_usd)                           as lifetime_order_value_usd,",
        ])
    }
}

@Suite struct BisectTests {
    /// 30 runs; the node fails from `firstFailing` on.
    private func search(_ firstFailing: Int, count: Int = 30, unknown: Set<Int> = []) async -> (Bisection<Int>, [Int]) {
        let fetched = FetchLog()
        let result = await Bisect.search(runs: Array(0..<count)) { run in
            fetched.append(run)
            if unknown.contains(run) { return .unknown }
            return run >= firstFailing ? .failed : .passed
        }
        return (result, fetched.values)
    }

    @Test func findsTheBoundaryWithinCeilLog2PlusOneFetches() async {
        for boundary in 0..<30 {
            let (result, fetched) = await search(boundary)
            #expect(result.firstFailure == boundary)
            #expect(result.lastPass == (boundary == 0 ? nil : boundary - 1))
            #expect(fetched.count <= 6, "boundary \(boundary): \(fetched)")
            #expect(result.fetched == fetched.count)
            #expect(Set(fetched).count == fetched.count, "no run fetched twice")
        }
    }

    @Test func stepsOverRunsWithoutAnAnswer() async {
        let (result, fetched) = await search(17, unknown: [14, 15, 16])
        #expect(result.firstFailure == 17)
        #expect(result.lastPass == 13)
        #expect(Set(result.unknown) == Set(fetched.filter { [14, 15, 16].contains($0) }))
    }

    @Test func aNewestRunThatPassesHasNoFailure() async {
        let (result, fetched) = await search(99)
        #expect(result.firstFailure == nil)
        #expect(result.lastPass == 29)
        #expect(fetched == [29])
        let empty = await Bisect.search(runs: [Int]()) { _ in .failed }
        #expect(empty.fetched == 0 && empty.firstFailure == nil)
    }

    @Test func outcomesFromStatuses() {
        #expect(NodeOutcome(.success) == .passed)
        #expect(NodeOutcome(.pass) == .passed)
        #expect(NodeOutcome(.error) == .failed)
        #expect(NodeOutcome(.fail) == .failed)
        #expect(NodeOutcome(.skipped) == .unknown)
        #expect(NodeOutcome(.warn) == .unknown)
        #expect(NodeOutcome(nil) == .unknown)
    }
}

/// Records fetches from the bisect closure.
private final class FetchLog: Sendable {
    private let stored = Mutex<[Int]>([])
    func append(_ value: Int) { stored.withLock { $0.append(value) } }
    var values: [Int] { stored.withLock { $0 } }
}

@Suite struct LineageTests {
    @Test func downstreamOfTheBrokenModelWithStatusesAndExposures() throws {
        let manifest = try Fixture.manifest("multiple_failures/steps/2_build/manifest.json")
        let results = try Fixture.runResults("multiple_failures/steps/2_build/run_results.json")
        let lineage = Lineage(manifest: manifest, results: results)
        let id = "model.lumen_shop.int_customer_order_history"
        let down = lineage.downstream(of: id)
        #expect(down.status == .error)
        let names = down.flattened().map { "\($0.depth) \($0.node.name) \($0.node.status?.rawValue ?? "-")" }
        #expect(names == [
            "0 int_customer_order_history error", "1 dim_customers skipped", "2 crm_customer_sync skipped",
            "2 weekly_revenue_dashboard skipped", "2 customer_cohorts skipped",
        ], "children in unique_id order: \(names)")
        #expect(lineage.exposuresDownstream(of: id) == ["exposure.lumen_shop.crm_customer_sync", "exposure.lumen_shop.weekly_revenue_dashboard"])
        let withTests = lineage.downstream(of: id, depth: 1, includeTests: true)
        #expect(withTests.children.contains { $0.resourceType == "test" })
        #expect(withTests.children.first { $0.name == "dim_customers" }?.isCut == true)
    }

    @Test func upstreamReachesSeedsAndSourcesOnce() throws {
        let manifest = try Fixture.manifest("multiple_failures/steps/2_build/manifest.json")
        let up = Lineage(manifest: manifest).upstream(of: "model.lumen_shop.dim_products")
        let flat = up.flattened().map(\.node)
        #expect(flat.contains { $0.uniqueID == "seed.lumen_shop.raw_products" })
        let expanded = flat.filter { !$0.isRepeat && !$0.children.isEmpty }.map(\.uniqueID)
        #expect(Set(expanded).count == expanded.count, "each node's parents are listed once")
        #expect(flat.filter { $0.isRepeat }.map(\.name) == ["stg_products"], "stg_products is reached twice")
        #expect(Lineage(manifest: manifest).upstream(of: "model.lumen_shop.dim_customers", depth: 0).isCut)
    }
}

@Suite struct SQLExcerptTests {
    @Test func placesTheQuotedLineNotTheStatementLineNumber() {
        let sql = "select\n    a,\n    sum(b)   as c\nfrom t"
        let message = "Binder Error: x\n\n  LINE 12:     sum(b)   as ...\n               ^^^"
        let excerpt = SQLExcerpt(message: message, compiledSQL: sql, radius: 1)
        #expect(excerpt?.errorLine == 3)
        #expect(excerpt?.reportedLine == 12)
        #expect(excerpt?.lines.map(\.number) == [2, 3, 4])
    }

    @Test func noExcerptWithoutALineOrWhenTheTextIsNotThere() {
        #expect(SQLExcerpt(message: "Got 3 results", compiledSQL: "select 1") == nil)
        #expect(SQLExcerpt(message: "LINE 3: select loyalty_tier from (", compiledSQL: "a\nb\nc\nd") == nil)
        #expect(SQLExcerpt(message: "LINE 0: x", compiledSQL: "x") == nil)
        #expect(SQLExcerpt(message: "LINE 99999999999999999999: x", compiledSQL: "x") == nil)
    }
}

@Suite struct NodeErrorKindTests {
    @Test func kindsFromResourceTypeStatusAndMessage() {
        #expect(NodeErrorKind(resourceType: "model", status: .error, message: "Database Error in model x (p)\n  boom") == .database)
        #expect(NodeErrorKind(resourceType: "model", status: .error, message: "Runtime Error in model x (p)\n  Binder Error: y") == .database)
        #expect(NodeErrorKind(resourceType: "model", status: .error, message: "Compilation Error in model x (p)\n  'a' is undefined") == .compilation)
        #expect(NodeErrorKind(resourceType: "model", status: .error, message: "Runtime Error in model x (p)\n  raised") == .runtime)
        #expect(NodeErrorKind(resourceType: "seed", status: .error, message: "Runtime Error in seed") == .seed)
        #expect(NodeErrorKind(resourceType: "snapshot", status: .error, message: nil) == .snapshot)
        #expect(NodeErrorKind(resourceType: "test", status: .fail, message: "Got 1 result, configured to fail if != 0") == .testFailure)
        #expect(NodeErrorKind(resourceType: "test", status: .warn, message: "Got 1 result, configured to warn if != 0") == .testWarning)
        #expect(NodeErrorKind(resourceType: "test", status: .error, message: "Runtime Error in test t (p)") == .testError)
        #expect(NodeErrorKind(resourceType: "unit_test", status: .fail, message: "actual differs") == .testFailure)
    }
}

