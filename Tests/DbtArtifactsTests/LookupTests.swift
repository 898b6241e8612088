import Foundation
import Testing
@testable import DbtArtifacts

@Suite struct NodeResolverTests {
    let lookup: SQLLookup

    init() throws {
        lookup = SQLLookup(results: try Fixture.failedBuild, manifest: try Fixture.failureManifest)
    }

    @Test func findsByUniqueIDNameAndSuffix() {
        #expect(lookup.resolve("model.lumen_shop.int_customer_order_history") == .found("model.lumen_shop.int_customer_order_history"))
        #expect(lookup.resolve("int_customer_order_history") == .found("model.lumen_shop.int_customer_order_history"))
        #expect(lookup.resolve("INT_Customer_Order_History") == .found("model.lumen_shop.int_customer_order_history"))
        #expect(lookup.resolve("lumen_shop.dim_customers") == .found("model.lumen_shop.dim_customers"))
        #expect(lookup.resolve("unique_fct_daily_revenue_revenue_date") == .found("test.lumen_shop.unique_fct_daily_revenue_revenue_date.9c1be3f966"))
        #expect(lookup.resolve("9c1be3f966") == .found("test.lumen_shop.unique_fct_daily_revenue_revenue_date.9c1be3f966"))
    }

    @Test func sourcesResolveByQualifiedOrTableName() {
        #expect(lookup.resolve("erp.inventory_levels") == .found("source.lumen_shop.erp.inventory_levels"))
        #expect(lookup.resolve("inventory_levels") == .found("source.lumen_shop.erp.inventory_levels"))
    }

    @Test func nearMissSuggestsTheName() {
        #expect(lookup.resolve("int_customer_order_histroy") == .notFound(suggestion: "int_customer_order_history"))
        #expect(lookup.resolve("dim_customer") == .notFound(suggestion: "dim_customers"))
        #expect(lookup.resolve("zzzzzzzzzzzz") == .notFound(suggestion: nil))
    }

    @Test func ambiguousNamesListCandidates() {
        let resolver = NodeResolver(uniqueIDs: ["model.shop.orders", "seed.shop.orders", "model.shop.customers"])
        #expect(resolver.resolve("orders") == .ambiguous(["model.shop.orders", "seed.shop.orders"]))
        #expect(resolver.resolve("model.shop.orders") == .found("model.shop.orders"))
        #expect(resolver.resolve("customers") == .found("model.shop.customers"))
    }

    @Test func versionedModelsResolveByNameOrVersion() {
        let resolver = NodeResolver(uniqueIDs: ["model.shop.dim_customers.v2", "model.shop.fct_orders"])
        #expect(resolver.resolve("dim_customers") == .found("model.shop.dim_customers.v2"))
        #expect(resolver.resolve("dim_customers.v2") == .found("model.shop.dim_customers.v2"))
        #expect(resolver.resolve("fct_orders.v2") == .notFound(suggestion: "fct_orders"))
    }

    @Test func exactNameWinsOverTableNameOfASource() {
        let resolver = NodeResolver(uniqueIDs: ["model.shop.orders", "source.shop.erp.orders"])
        #expect(resolver.resolve("orders") == .found("model.shop.orders"))
        #expect(resolver.resolve("erp.orders") == .found("source.shop.erp.orders"))
    }
}

@Suite struct SQLLookupTests {
    let lookup: SQLLookup

    init() throws {
        lookup = SQLLookup(results: try Fixture.failedBuild, manifest: try Fixture.failureManifest)
    }

    @Test func erroredModelGivesTheSQLThatRanFromRunResults() throws {
        guard case .compiled(let sql, let origin) = lookup.compiledSQL(for: "model.lumen_shop.int_customer_order_history") else {
            Issue.record("no SQL")
            return
        }
        #expect(origin == .runResults)
        #expect(sql.contains("sum(gross_order_value_usd)"))
        #expect(!sql.contains("{{"))
    }

    @Test func skippedModelExplainsWhy() {
        #expect(lookup.compiledSQL(for: "model.lumen_shop.dim_customers") == .unavailable(
            reason: "dim_customers was skipped in this run (int_customer_order_history error), so dbt did not compile it"
        ))
        #expect(lookup.rawCode(for: "model.lumen_shop.dim_customers")?.contains("ref('int_customer_order_history')") == true)
    }

    @Test func seedHasNoSQL() {
        guard case .unavailable(let reason) = lookup.compiledSQL(for: "seed.lumen_shop.raw_products") else {
            Issue.record("a seed had SQL")
            return
        }
        #expect(reason.hasPrefix("raw_products is a seed"))
        #expect(reason.contains("seeds/raw_products.csv"))
    }

    @Test func fallsBackToTheManifestWithoutRunResults() throws {
        let manifestOnly = SQLLookup(results: nil, manifest: try Fixture.failureManifest)
        guard case .compiled(_, let origin) = manifestOnly.compiledSQL(for: "model.lumen_shop.fct_orders") else {
            Issue.record("no SQL")
            return
        }
        #expect(origin == .manifest)
        #expect(manifestOnly.compiledSQL(for: "model.lumen_shop.dim_customers")
            == .unavailable(reason: "dim_customers was not compiled in the invocation that wrote this manifest"))
    }

    @Test func sourcesAndExposuresHaveNoSQL() {
        guard case .unavailable(let source) = lookup.compiledSQL(for: "source.lumen_shop.erp.inventory_levels"),
              case .unavailable(let exposure) = lookup.compiledSQL(for: "exposure.lumen_shop.crm_customer_sync") else {
            Issue.record("SQL for a source or exposure")
            return
        }
        #expect(source.hasPrefix("erp.inventory_levels is a source"))
        #expect(exposure.hasPrefix("crm_customer_sync is an exposure"))
    }
}

@Suite struct RunDiffTests {
    let diff: RunDiff

    init() throws {
        diff = RunDiff(old: try Fixture.succeededBuild, new: try Fixture.failedBuild, topTimingChanges: 3)
    }

    @Test func statusChangesBetweenGreenAndFailedBuild() {
        #expect(diff.statusChanges.count == 17)
        #expect(diff.statusChanges.filter { $0.new == .skipped }.count == 14)
        #expect(diff.added.isEmpty)
        #expect(diff.removed.isEmpty)
    }

    @Test func newFailuresAreTheErrorFailAndWarn() {
        #expect(Set(diff.newFailures.map(\.uniqueID)) == [
            "model.lumen_shop.int_customer_order_history",
            "test.lumen_shop.unique_fct_daily_revenue_revenue_date.9c1be3f966",
            "test.lumen_shop.accepted_values_stg_orders_status__placed__shipped__delivered__returned__cancelled.1a0b445910",
        ])
        let model = diff.newFailures.first { $0.uniqueID == "model.lumen_shop.int_customer_order_history" }
        #expect(model?.old == .success)
        #expect(model?.new == .error)
        #expect(diff.fixed.isEmpty)
    }

    @Test func reverseDiffShowsThemFixed() throws {
        let reverse = RunDiff(old: try Fixture.failedBuild, new: try Fixture.succeededBuild)
        #expect(reverse.fixed.count == 3)
        #expect(reverse.newFailures.isEmpty)
        #expect(reverse.newSummary.error == 0)
        #expect(reverse.oldSummary.error == 2)
    }

    @Test func largestTimingChangesFirst() throws {
        #expect(diff.timingChanges.count == 3)
        #expect(diff.timingChanges[0].uniqueID == "seed.lumen_shop.raw_orders")
        #expect(abs(diff.timingChanges[0].delta - -0.217) < 0.001)
        #expect(zip(diff.timingChanges, diff.timingChanges.dropFirst()).allSatisfy { abs($0.delta) >= abs($1.delta) })
        #expect(!diff.timingChanges.contains { $0.uniqueID == "model.lumen_shop.dim_customers" })
    }

    @Test func addedAndRemovedNodes() throws {
        let build = try Fixture.failedBuild
        let docs = try Fixture.runResults("failure/steps/3_docs_generate/run_results.json")
        let diff = RunDiff(old: build, new: docs)
        #expect(diff.removed.contains("exposure.lumen_shop.crm_customer_sync"))
        #expect(diff.removed.contains("unit_test.lumen_shop.dim_customers.test_customer_segment_rules"))
        #expect(!diff.removed.contains("model.lumen_shop.dim_customers"))
        #expect(diff.added.isEmpty || diff.added.allSatisfy { build.result(for: $0) == nil })
    }

    @Test func identicalRunsHaveNoDiff() throws {
        let run = try Fixture.failedBuild
        #expect(RunDiff(old: run, new: run).isEmpty)
    }
}

@Suite struct SourceFreshnessTests {
    @Test func failureFreshnessHasAnErrorAndAWarn() throws {
        let freshness = try SourceFreshness.decode(try Fixture.data("failure/steps/1_source_freshness/sources.json"))
        #expect(freshness.results.count == 3)
        #expect(freshness.results.first { $0.name == "erp.inventory_levels" }?.status == .error)
        let ads = try #require(freshness.results.first { $0.name == "marketing_ads.daily_ad_spend" })
        #expect(ads.status == .warn)
        #expect(ads.warnAfter == "24 hour")
        #expect(ads.errorAfter == "48 hour")
        #expect(ads.ageSeconds.map { Int($0) } == 108_004)
        #expect(freshness.bySource.map(\.sourceName) == ["erp", "marketing_ads", "web_analytics"])
        #expect(freshness.bySource.map(\.status) == [.error, .warn, .pass])
        #expect(freshness.summary.line == "PASS=1 WARN=1 ERROR=1 SKIP=0 NO-OP=0 TOTAL=3")
    }

    @Test func checkDroppedFromSourcesJSONIsReported() throws {
        let freshness = try SourceFreshness.decode(try Fixture.data("failure/steps/1_source_freshness/sources.json"))
        #expect(freshness.unreported(in: try Fixture.failureManifest) == ["source.lumen_shop.helpdesk.tickets"])
        let green = try SourceFreshness.decode(try Fixture.data("success/steps/1_source_freshness/sources.json"))
        #expect(green.unreported(in: try Fixture.successManifest).isEmpty)
        #expect(try Fixture.failureManifest.node("source.lumen_shop.erp.warehouses")?.hasFreshnessCheck == false)
    }

    @Test func runResultsIsNotASourcesFile() throws {
        #expect(throws: ArtifactError.wrongKind(expected: .sources, found: .runResults)) {
            try SourceFreshness.decode(try Fixture.data("failure/run_results.json"))
        }
    }
}
