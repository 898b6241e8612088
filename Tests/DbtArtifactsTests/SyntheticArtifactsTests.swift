import Foundation
import Testing
@testable import DbtArtifacts
import TestSupport

@Suite struct SyntheticArtifactsTests {
    @Test func catalogIsValidJSONAndBrowsable() throws {
        let data = SyntheticArtifacts.catalog(models: 60)
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
        let catalog = try Catalog.decode(data)
        #expect(catalog.nodes.count == 60)
        #expect(catalog.sources.count == 7)
        let index = CatalogIndex(catalog: catalog)
        #expect(index.databases(of: .nodes) == ["analytics", "warehouse"])
        guard case .found(let id) = index.resolve("fct_orders_48") else {
            Issue.record("fct_orders_48 not found")
            return
        }
        let detail = try #require(index.detail(uniqueID: id))
        #expect(detail.columns.first?.name == "orders_id")
        #expect(detail.stats.map(\.id).sorted() == ["column_count", "row_count"])
    }

    @Test func manifestIsValidJSONWithGraph() throws {
        let data = SyntheticArtifacts.manifest(models: 60)
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
        let manifest = try Manifest.decode(data)
        #expect(manifest.nodeIDs.filter { $0.hasPrefix("model.") }.count == 60)
        #expect(manifest.nodeIDs.filter { $0.hasPrefix("test.") }.count == 60 + 20)
        #expect(manifest.sourceIDs.count == 7)
        let model = try #require(manifest.node("model.synthetic_shop.fct_orders_48"))
        #expect(model.materialized == "table")
        #expect(model.patchPath == "models/marts/_marts.yml")
        #expect(manifest.parents(of: model.uniqueID).allSatisfy { $0.hasPrefix("model.synthetic_shop.int_") })
        #expect(manifest.compiledCode(of: model.uniqueID)?.contains("\"warehouse\".\"intermediate\".") == true)
    }

    @Test func failingRunSkipsDownstreamWithCauses() throws {
        let manifest = try Manifest.decode(SyntheticArtifacts.manifest(models: 300))
        let data = SyntheticArtifacts.runResults(models: 300, failing: 3)
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
        let results = try RunResults.decode(data)
        let failing = SyntheticArtifacts.failingModelIDs(models: 300, failing: 3)
        #expect(failing.count == 3)
        let report = FailureReport(results: results, manifest: manifest)
        #expect(report.failures.map(\.uniqueID) == failing)
        #expect(!report.skipped.isEmpty)
        #expect(report.skipped.allSatisfy { !$0.skippedBecause.isEmpty })
        #expect(report.skipped.allSatisfy { $0.skippedBecause.allSatisfy { failing.contains($0.uniqueID) } })
        #expect(report.summary.total == 300 + 400)
    }

    @Test func sameInputGivesSameBytes() {
        #expect(SyntheticArtifacts.catalog(models: 30) == SyntheticArtifacts.catalog(models: 30))
        #expect(SyntheticArtifacts.runResults(models: 30, failing: 1) == SyntheticArtifacts.runResults(models: 30, failing: 1))
    }
}

@Suite struct JSONScannerTests {
    private func skipAll(_ text: String) throws -> Int {
        let data = Data(text.utf8)
        return try data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes)
            try scanner.skipValue()
            return scanner.position
        }
    }

    @Test func skipsStringsWithEscapedQuotesAndBrackets() throws {
        let text = #"{"a": "x\"}]\\", "b": ["\\\"", "{", 1.5e3, true, null], "c": {"d": "long string that spans more than eight bytes \" with ] inside"}}"#
        #expect(try skipAll(text + "  tail") == text.utf8.count)
    }

    @Test func truncatedValuesReportTheEnd() {
        for text in [#"{"a": "abc"#, #"{"a": [1, 2"#, #""\"#, #"{"a": "0123456789abcdef\"#] {
            #expect(throws: JSONScanError(offset: text.utf8.count, reason: .unexpectedEnd)) { try skipAll(text) }
        }
    }

    @Test func decodesEscapes() throws {
        let data = Data(#""tab\tnew\nquote\" \u00e9 \ud83d\ude00 slash\/""#.utf8)
        let value = try data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes)
            return try scanner.readString()
        }
        #expect(value == "tab\tnew\nquote\" é 😀 slash/")
    }

    @Test func readsNumbers() throws {
        let data = Data("[574, -2, 0.42200326919555664, 1e3, null]".utf8)
        let numbers = try data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes)
            var values: [Double?] = []
            try scanner.beginArray()
            while try scanner.nextElement() { values.append(try scanner.readOptionalDouble()) }
            return values
        }
        #expect(numbers == [574, -2, 0.42200326919555664, 1000, nil])
    }
}
