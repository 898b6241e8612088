import Foundation
import Testing
@testable import DbtArtifacts

@Suite struct FailureReportTests {
    let report: FailureReport

    init() throws {
        report = FailureReport(results: try Fixture.failedBuild, manifest: try Fixture.failureManifest)
    }

    @Test func listsErrorsThenWarnsThenSkipped() {
        #expect(report.problems.count == 17)
        #expect(report.problems.map(\.status.rawValue).prefix(3) == ["error", "fail", "warn"])
        #expect(report.problems.dropFirst(3).allSatisfy { $0.status == .skipped })
        #expect(report.skipped.count == 14)
        #expect(report.summary.line == "PASS=76 WARN=1 ERROR=2 SKIP=14 NO-OP=0 TOTAL=93")
        #expect(report.command == "dbt build")
        #expect(!report.isCompileOnly)
    }

    @Test func erroredModelHasItsMessageFileAndRelation() throws {
        let model = try #require(report.problems.first)
        #expect(model.uniqueID == "model.lumen_shop.int_customer_order_history")
        #expect(model.resourceType == "model")
        #expect(model.name == "int_customer_order_history")
        #expect(model.messageLines.count == 3)
        #expect(model.messageLines[0] == "Runtime Error in model int_customer_order_history (models/intermediate/int_customer_order_history.sql)")
        #expect(model.messageLines[1].hasPrefix("Binder Error: Referenced column \"gross_order_value_usd\" not found"))
        #expect(model.message?.contains("LINE 24:") == true)
        #expect(model.filePath == "models/intermediate/int_customer_order_history.sql")
        #expect(model.patchPath == "models/intermediate/_intermediate.yml")
        #expect(model.relationName == "\"warehouse\".\"intermediate\".\"int_customer_order_history\"")
    }

    @Test func failedTestHasFailureCountAndYamlFile() throws {
        let test = try #require(report.problems.first { $0.status == .fail })
        #expect(test.uniqueID == "test.lumen_shop.unique_fct_daily_revenue_revenue_date.9c1be3f966")
        #expect(test.name == "unique_fct_daily_revenue_revenue_date")
        #expect(test.failures == 574)
        #expect(test.messageLines == ["Got 574 results, configured to fail if != 0"])
        #expect(test.filePath == "models/marts/finance/_finance.yml")
        #expect(test.attachedNode == "model.lumen_shop.fct_daily_revenue")
    }

    @Test func warnedTestIsTheAcceptedValuesOne() throws {
        let warn = try #require(report.warnings.first)
        #expect(report.warnings.count == 1)
        #expect(warn.uniqueID.hasPrefix("test.lumen_shop.accepted_values_stg_orders_status"))
        #expect(warn.failures == 1)
        #expect(warn.filePath == "models/staging/_staging.yml")
    }

    @Test func everySkippedNodeNamesTheErroredModel() {
        for skipped in report.skipped {
            #expect(skipped.skippedBecause.map(\.uniqueID) == ["model.lumen_shop.int_customer_order_history"],
                    "\(skipped.uniqueID)")
            #expect(skipped.skippedBecause.first?.status == .error)
        }
    }

    @Test func skipCauseCarriesThePathDownToTheNode() throws {
        let cohortTest = try #require(report.skipped.first {
            $0.uniqueID == "test.lumen_shop.unique_customer_cohorts_signup_month.f424d04ec4"
        })
        #expect(cohortTest.skippedBecause.first?.via == ["model.lumen_shop.dim_customers", "model.lumen_shop.customer_cohorts"])
        let directChild = try #require(report.skipped.first { $0.uniqueID == "model.lumen_shop.dim_customers" })
        #expect(directChild.skippedBecause.first?.via == [])
        #expect(directChild.relationName == "\"analytics\".\"core\".\"dim_customers\"")
        let unitTest = try #require(report.skipped.first { $0.resourceType == "unit_test" })
        #expect(unitTest.name == "test_customer_segment_rules")
    }

    @Test func withoutManifestTheReportStillListsProblems() throws {
        let bare = FailureReport(results: try Fixture.failedBuild, manifest: nil)
        #expect(bare.problems.count == 17)
        #expect(bare.problems[1].name == "unique_fct_daily_revenue_revenue_date")
        #expect(bare.problems[1].filePath == nil)
        #expect(bare.skipped.allSatisfy { $0.skippedBecause.isEmpty })
    }

    @Test func successfulBuildHasNoProblems() throws {
        let clean = FailureReport(results: try Fixture.succeededBuild, manifest: try Fixture.successManifest)
        #expect(clean.problems.isEmpty)
    }

    @Test func docsGenerateStepIsFlaggedCompileOnly() throws {
        let docs = FailureReport(results: try Fixture.runResults("failure/steps/3_docs_generate/run_results.json"), manifest: nil)
        #expect(docs.isCompileOnly)
        #expect(docs.problems.isEmpty)
    }

    @Test func encodesToJSONWithSnakeCaseKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(String(data: try encoder.encode(report), encoding: .utf8))
        #expect(json.contains(#""skipped_because":[{"status":"error","unique_id":"model.lumen_shop.int_customer_order_history""#))
        #expect(json.contains(#""failures":574"#))
        #expect(json.contains(#""summary":{"#))
    }
}

/// `dbt build` also skips the models downstream of a node whose test failed, and a model
/// whose unit test failed; parent_map alone does not show those edges.
@Suite struct TestEdgeSkipCauseTests {
    let report: FailureReport

    init() throws {
        let manifest = try Manifest.decode(Data("""
        {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
         "nodes": {
           "model.p.orders": {"name": "orders", "resource_type": "model"},
           "test.p.unique_orders_id.abc123": {"name": "unique_orders_id", "resource_type": "test", "attached_node": "model.p.orders"},
           "model.p.revenue": {"name": "revenue", "resource_type": "model"},
           "model.p.customers": {"name": "customers", "resource_type": "model"},
           "model.p.ltv": {"name": "ltv", "resource_type": "model"}},
         "sources": {}, "exposures": {},
         "unit_tests": {"unit_test.p.customers.segments": {"name": "segments", "resource_type": "unit_test", "model": "customers"}},
         "parent_map": {
           "model.p.orders": [],
           "test.p.unique_orders_id.abc123": ["model.p.orders"],
           "model.p.revenue": ["model.p.orders"],
           "model.p.customers": [],
           "unit_test.p.customers.segments": ["model.p.customers"],
           "model.p.ltv": ["model.p.customers", "model.p.revenue"]}}
        """.utf8))
        let results = try RunResults.decode(Data("""
        {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"},
         "args": {"which": "build", "invocation_command": "dbt build"},
         "results": [
           {"unique_id": "model.p.orders", "status": "success"},
           {"unique_id": "test.p.unique_orders_id.abc123", "status": "fail", "failures": 3, "message": "Got 3 results, configured to fail if != 0"},
           {"unique_id": "unit_test.p.customers.segments", "status": "fail", "message": "actual differs from expected"},
           {"unique_id": "model.p.customers", "status": "skipped"},
           {"unique_id": "model.p.revenue", "status": "skipped"},
           {"unique_id": "model.p.ltv", "status": "skipped"}]}
        """.utf8))
        report = FailureReport(results: results, manifest: manifest)
    }

    private func causes(_ id: String) -> [String] {
        report.skipped.first { $0.uniqueID == id }?.skippedBecause.map(\.uniqueID) ?? ["missing"]
    }

    @Test func failedTestSkipsTheTestedModelsChildren() {
        #expect(causes("model.p.revenue") == ["test.p.unique_orders_id.abc123"])
        #expect(report.skipped.first { $0.uniqueID == "model.p.revenue" }?.skippedBecause.first?.via == ["model.p.orders"])
    }

    @Test func failedUnitTestSkipsItsModel() {
        #expect(causes("model.p.customers") == ["unit_test.p.customers.segments"])
    }

    @Test func grandchildCollectsBothCauses() {
        #expect(Set(causes("model.p.ltv")) == ["unit_test.p.customers.segments", "test.p.unique_orders_id.abc123"])
    }
}

@Suite struct EphemeralSkipCauseTests {
    @Test func causeIsFoundThroughAnEphemeralModelButNotThroughUnselectedOnes() throws {
        let manifest = try Manifest.decode(Data("""
        {"nodes": {
           "model.p.broken": {"name": "broken", "resource_type": "model", "config": {"materialized": "table"}},
           "model.p.inlined": {"name": "inlined", "resource_type": "model", "config": {"materialized": "ephemeral"}},
           "model.p.final": {"name": "final", "resource_type": "model", "config": {"materialized": "table"}},
           "model.p.unselected": {"name": "unselected", "resource_type": "model", "config": {"materialized": "view"}},
           "model.p.other": {"name": "other", "resource_type": "model", "config": {"materialized": "table"}}},
         "parent_map": {"model.p.inlined": ["model.p.broken"], "model.p.final": ["model.p.inlined"],
                        "model.p.unselected": ["model.p.broken"], "model.p.other": ["model.p.unselected"]}}
        """.utf8))
        let results = try RunResults.decode(Data("""
        {"results": [{"unique_id": "model.p.broken", "status": "error", "message": "boom"},
                     {"unique_id": "model.p.final", "status": "skipped"},
                     {"unique_id": "model.p.other", "status": "skipped"}]}
        """.utf8))
        let report = FailureReport(results: results, manifest: manifest)
        let final = try #require(report.skipped.first { $0.uniqueID == "model.p.final" })
        #expect(final.skippedBecause == [SkipCause(uniqueID: "model.p.broken", status: .error, via: ["model.p.inlined"])])
        let other = try #require(report.skipped.first { $0.uniqueID == "model.p.other" })
        #expect(other.skippedBecause.isEmpty)
    }
}
