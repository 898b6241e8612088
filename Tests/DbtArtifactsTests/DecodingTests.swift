import Foundation
import Testing
@testable import DbtArtifacts

@Suite struct RunResultsDecodingTests {
    @Test func buildStepIsRecognisedAsBuild() throws {
        let results = try Fixture.failedBuild
        #expect(results.which == "build")
        #expect(results.invocationCommand == "dbt build")
        #expect(results.command == .build)
        #expect(results.command.executesNodes)
        #expect(results.results.count == 93)
        #expect(results.metadata.dbtVersion == "1.11.16")
        #expect(results.metadata.kind == .runResults)
        #expect(abs((results.elapsedTime ?? 0) - 2.909) < 0.01)
    }

    @Test func docsGenerateStepIsRecognisedAsCompileOnly() throws {
        let results = try Fixture.runResults("failure/steps/3_docs_generate/run_results.json")
        #expect(results.which == "generate")
        #expect(results.invocationCommand == "dbt docs generate")
        #expect(results.command == .docsGenerate)
        #expect(!results.command.executesNodes)
        #expect(results.results.allSatisfy { $0.status == .success })
    }

    @Test func erroredModelKeepsMessageRelationAndCompiledCode() throws {
        let results = try Fixture.failedBuild
        let model = try #require(results.result(for: "model.lumen_shop.int_customer_order_history"))
        #expect(model.status == .error)
        #expect(model.message?.contains("Binder Error: Referenced column \"gross_order_value_usd\" not found") == true)
        #expect(model.relationName == "\"warehouse\".\"intermediate\".\"int_customer_order_history\"")
        #expect(model.failures == nil)
        let timing = try #require(results.timing(of: model.uniqueID))
        #expect(timing.startedAt?.hasPrefix("2026-11-28T23:57:") == true)
        #expect(results.timing(of: "model.lumen_shop.dim_customers") == nil)
        let sql = try #require(results.compiledCode(of: model.uniqueID))
        #expect(sql.contains("gross_order_value_usd"))
    }

    @Test func seedKeepsAdapterResponse() throws {
        let seed = try #require(try Fixture.failedBuild.result(for: "seed.lumen_shop.raw_products"))
        #expect(seed.adapterMessage == "INSERT 63")
        #expect(seed.rowsAffected == 63)
        #expect(seed.resourceType == "seed")
    }

    @Test func summaryMatchesDbtsOwnLastLine() throws {
        #expect(try Fixture.failedBuild.summary.line == "PASS=76 WARN=1 ERROR=2 SKIP=14 NO-OP=0 TOTAL=93")
        #expect(try Fixture.succeededBuild.summary.line == "PASS=91 WARN=0 ERROR=0 SKIP=0 NO-OP=2 TOTAL=93")
    }
}

@Suite struct ManifestDecodingTests {
    @Test func readsNodesOfEveryKind() throws {
        let manifest = try Fixture.failureManifest
        #expect(manifest.metadata.projectName == "lumen_shop")
        #expect(manifest.metadata.kind == .manifest)
        #expect(manifest.nodes.count == 93)
        #expect(manifest.nodes.values.filter { $0.resourceType == "model" }.count == 19)
        #expect(manifest.unitTests["unit_test.lumen_shop.dim_customers.test_customer_segment_rules"]?.model == "dim_customers")
        #expect(manifest.exposures["exposure.lumen_shop.crm_customer_sync"] != nil)
        let source = try #require(manifest.sources["source.lumen_shop.web_analytics.pages"])
        #expect(source.displayName == "web_analytics.pages")
        #expect(source.relationName == "\"warehouse\".\"segment\".\"pages\"")
    }

    @Test func modelFieldsAndStrippedPatchPath() throws {
        let model = try #require(try Fixture.failureManifest.node("model.lumen_shop.int_customer_order_history"))
        #expect(model.name == "int_customer_order_history")
        #expect(model.originalFilePath == "models/intermediate/int_customer_order_history.sql")
        #expect(model.patchPath == "models/intermediate/_intermediate.yml")
        #expect(model.schema == "intermediate")
        #expect(model.database == "warehouse")
    }

    @Test func compiledCodeIsAbsentOnSeedsAndSkippedModels() throws {
        let manifest = try Fixture.failureManifest
        #expect(manifest.compiledCode(of: "model.lumen_shop.int_customer_order_history") != nil)
        #expect(manifest.compiledCode(of: "seed.lumen_shop.raw_products") == nil)
        #expect(manifest.node("model.lumen_shop.dim_customers")?.hasCompiledCode == false)
        #expect(manifest.rawCode(of: "model.lumen_shop.dim_customers")?.contains("ref(") == true)
    }

    @Test func testNodesKnowWhatTheyTest() throws {
        let test = try #require(try Fixture.failureManifest.node("test.lumen_shop.unique_fct_daily_revenue_revenue_date.9c1be3f966"))
        #expect(test.resourceType == "test")
        #expect(test.attachedNode == "model.lumen_shop.fct_daily_revenue")
        #expect(test.columnName == "revenue_date")
        #expect(test.testName == "unique")
        #expect(test.severity == "error")
        #expect(test.originalFilePath == "models/marts/finance/_finance.yml")
    }

    @Test func parentMapAndDerivedChildMap() throws {
        let manifest = try Fixture.failureManifest
        #expect(manifest.parents(of: "model.lumen_shop.dim_customers").sorted() == [
            "model.lumen_shop.int_customer_order_history", "model.lumen_shop.stg_customers",
        ])
        #expect(manifest.childMap()["model.lumen_shop.dim_customers"]?.contains("model.lumen_shop.customer_cohorts") == true)
    }

    @Test func documentedColumnsAreReadOnDemand() throws {
        let columns = try Fixture.failureManifest.columns(of: "model.lumen_shop.fct_daily_revenue")
        let revenueDate = try #require(columns.first { $0.name == "revenue_date" })
        #expect(revenueDate.description == "Order date (UTC).")
    }
}

@Suite struct ArtifactErrorTests {
    @Test func notJSONNamesTheFileAndTheByte() {
        let html = Data("<html><body>502 Bad Gateway</body></html>".utf8)
        #expect(throws: ArtifactError.notJSON(.runResults, offset: 0, found: "'<'")) {
            try RunResults.decode(html)
        }
        do {
            _ = try RunResults.decode(html)
        } catch {
            #expect(error.description == "run_results.json: not valid JSON at byte 0 (found '<')")
        }
    }

    @Test func truncatedFileSaysSo() throws {
        let whole = try Fixture.data("failure/steps/2_build/run_results.json")
        let half = whole.prefix(whole.count / 2)
        do {
            _ = try RunResults.decode(half)
            Issue.record("a truncated file decoded")
        } catch {
            guard case .truncated(.runResults, let offset) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(offset == half.count)
            #expect(error.description.hasPrefix("run_results.json: the file ends early at byte"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func wrongArtifactKindIsNamed() throws {
        let catalog = try Fixture.data("failure/catalog.json")
        #expect(throws: ArtifactError.wrongKind(expected: .runResults, found: .catalog)) {
            try RunResults.decode(catalog)
        }
        let runResults = try Fixture.data("failure/run_results.json")
        #expect(throws: ArtifactError.wrongKind(expected: .manifest, found: .runResults)) {
            try Manifest.decode(runResults)
        }
        #expect(ArtifactError.wrongKind(expected: .manifest, found: .runResults).description
            == "manifest.json: this is a run_results.json, not a manifest.json")
    }

    @Test func emptyAndMissingFields() {
        #expect(throws: ArtifactError.empty(.manifest)) { try Manifest.decode(Data()) }
        #expect(throws: ArtifactError.empty(.manifest)) { try Manifest.decode(Data("  \n".utf8)) }
        #expect(throws: ArtifactError.missingField(.runResults, field: "results")) {
            try RunResults.decode(Data(#"{"hello": [1, 2, {"a": "b"}]}"#.utf8))
        }
    }

    @Test func missingFileIsOneLine() {
        do {
            _ = try ArtifactFile.read(URL(fileURLWithPath: "/nonexistent/run_results.json"))
            Issue.record("read a missing file")
        } catch {
            #expect(error.description == "/nonexistent/run_results.json: cannot read the file (no such file)")
        }
    }

    @Test func emptyFileOnDiskReadsAsEmptyArtifact() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-empty-\(UUID().uuidString).json")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: ArtifactError.empty(.catalog)) { try Catalog.decode(try ArtifactFile.read(url)) }
    }

    @Test func sniffsTheKind() throws {
        #expect(ArtifactSniffer.kind(of: try Fixture.data("failure/catalog.json")) == .catalog)
        #expect(ArtifactSniffer.kind(of: try Fixture.data("failure/sources.json")) == .sources)
        #expect(ArtifactSniffer.kind(of: Data("nope".utf8)) == nil)
    }
}

@Suite struct LenientDecodingTests {
    @Test func validJSONThatIsNotAnObjectIsNotAnArtifact() {
        #expect(throws: ArtifactError.missingField(.runResults, field: "results")) {
            try RunResults.decode(Data("[1, 2, 3]".utf8))
        }
        #expect(ArtifactError.missingField(.catalog, field: "nodes").description
            == "catalog.json: no `nodes` in the file; is it a dbt catalog.json?")
    }

    @Test func apiErrorEnvelopeIsNotARunResults() {
        let envelope = Data(#"{"status": {"code": 404, "is_success": false, "user_message": "The requested resource was not found."}, "data": null}"#.utf8)
        #expect(throws: ArtifactError.missingField(.runResults, field: "results")) { try RunResults.decode(envelope) }
    }

    @Test func unknownKeysAndMissingOptionalFieldsAreFine() throws {
        let results = try RunResults.decode(Data("""
        {"results": [{"unique_id": "model.p.a", "status": "success", "brand_new_field": {"x": [1, {"y": "}"}]}},
                     {"status": "error"},
                     {"unique_id": "model.p.b", "status": "error", "message": null, "execution_time": null}],
         "future": true}
        """.utf8))
        #expect(results.results.map(\.uniqueID) == ["model.p.a", "model.p.b"])
        #expect(results.which == nil)
        #expect(results.command == .unknown)
        #expect(results.result(for: "model.p.b")?.executionTime == nil)
    }
}
