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
