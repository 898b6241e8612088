import Foundation
import Testing
@testable import DbtArtifacts

@Suite struct CatalogTests {
    let index: CatalogIndex

    init() throws {
        index = CatalogIndex(catalog: try Fixture.catalog("failure/catalog.json"), manifest: try Fixture.failureManifest)
    }

    @Test func decodesBothSections() throws {
        let catalog = try Fixture.catalog("failure/catalog.json")
        #expect(catalog.nodes.count == 22)
        #expect(catalog.sources.count == 4)
        #expect(catalog.metadata.kind == .catalog)
        #expect(catalog.entry("source.lumen_shop.helpdesk.tickets") == nil)
        #expect(catalog.entry("model.lumen_shop.int_payments_pivoted_to_orders") == nil)
    }

    @Test func browsesDatabasesSchemasNodes() {
        #expect(index.databases(of: .nodes) == ["analytics", "warehouse"])
        #expect(index.schemas(database: "analytics", section: .nodes) == ["core", "finance", "marketing", "operations"])
        #expect(index.nodes(database: "analytics", schema: "finance", section: .nodes).map(\.name).contains("fct_daily_revenue"))
        #expect(index.databases(of: .sources) == ["warehouse"])
        let erp = index.nodes(database: "warehouse", schema: "erp", section: .sources)
        #expect(erp.map(\.name) == ["erp.inventory_levels", "erp.warehouses"])
        #expect(erp.first?.relation == "warehouse.erp.inventory_levels")
    }

    @Test func detailMergesCatalogTypesWithManifestDescriptions() throws {
        let detail = try #require(index.detail(uniqueID: "model.lumen_shop.fct_daily_revenue"))
        #expect(detail.relation == "analytics.finance.fct_daily_revenue")
        #expect(detail.tableType == "BASE TABLE")
        #expect(detail.owner == "lumen_data_platform")
        #expect(detail.columns.count == 10)
        #expect(detail.columns.map(\.index) == Array(1...10))
        #expect(detail.columns[0].name == "revenue_date")
        #expect(detail.columns[0].type == "DATE")
        #expect(detail.columns[0].description == "Order date (UTC).")
        #expect(detail.columns[1].name == "sales_channel")
        #expect(detail.columns[1].description == nil)
        #expect(detail.stats.map(\.id).sorted() == ["column_count", "row_count"])
        #expect(detail.stats.first { $0.id == "row_count" }?.value == "1517")
        #expect(detail.materialized == "table")
    }

    @Test func manifestDescriptionWinsAndIsTrimmed() throws {
        let detail = try #require(index.detail(uniqueID: "model.lumen_shop.dim_customers"))
        #expect(detail.description?.hasPrefix("One row per customer") == true)
        #expect(detail.description?.hasSuffix("\n") == false)
        let customerID = try #require(detail.columns.first { $0.name == "customer_id" })
        #expect(customerID.description?.hasPrefix("Storefront customer id.") == true)
    }

    @Test func manifestColumnsMatchIgnoringCase() throws {
        let catalog = try Catalog.decode(Data("""
        {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"},
         "nodes": {"model.lumen_shop.fct_daily_revenue": {
            "metadata": {"type": "BASE TABLE", "database": "ANALYTICS", "schema": "FINANCE", "name": "FCT_DAILY_REVENUE"},
            "columns": {"REVENUE_DATE": {"type": "DATE", "index": 1, "name": "REVENUE_DATE", "comment": null}},
            "stats": {}, "unique_id": "model.lumen_shop.fct_daily_revenue"}},
         "sources": {}, "errors": null}
        """.utf8))
        let upper = CatalogIndex(catalog: catalog, manifest: try Fixture.failureManifest)
        let detail = try #require(upper.detail(uniqueID: "model.lumen_shop.fct_daily_revenue"))
        #expect(detail.columns.first?.description == "Order date (UTC).")
        #expect(upper.resolve("fct_daily_revenue") == .found("model.lumen_shop.fct_daily_revenue"))
        let hits = upper.search("Order DATE")
        #expect(hits.map(\.field) == [.columnDescription])
        #expect(hits.first?.column == "REVENUE_DATE")
    }

    @Test func withoutManifestColumnCommentsStillShow() throws {
        let bare = CatalogIndex(catalog: try Fixture.catalog("failure/catalog.json"))
        let detail = try #require(bare.detail(uniqueID: "model.lumen_shop.fct_daily_revenue"))
        #expect(detail.columns[0].description == "Order date (UTC).")
        #expect(detail.description == nil)
        #expect(detail.comment?.hasPrefix("One row per calendar day") == true)
        #expect(bare.resolve("dim_customers") == .found("model.lumen_shop.dim_customers"))
        #expect(bare.resolve("inventory_levels") == .found("source.lumen_shop.erp.inventory_levels"))
    }

    @Test func searchRanksNameHitsBeforeColumnsAndDescriptions() throws {
        let hits = index.search("customer")
        #expect(hits.first?.field == .nodeName)
        #expect(hits.contains { $0.field == .columnName && $0.column == "customer_id" })
        let exact = index.search("dim_customers")
        #expect(exact.first?.uniqueID == "model.lumen_shop.dim_customers")
        #expect(exact.first?.score == 100)
        let scores = hits.map(\.score)
        #expect(scores == scores.sorted(by: >))
    }

    @Test func searchFindsDescriptions() {
        let hits = index.search("UTC")
        #expect(hits.contains { $0.field == .columnDescription && $0.column == "revenue_date" })
        #expect(index.search("   ").isEmpty)
        #expect(index.search("no_such_thing_anywhere").isEmpty)
    }

    @Test func wrongKindAndTruncation() throws {
        #expect(throws: ArtifactError.wrongKind(expected: .catalog, found: .manifest)) {
            try Catalog.decode(try Fixture.data("failure/manifest.json"))
        }
        let whole = try Fixture.data("failure/catalog.json")
        #expect(throws: ArtifactError.truncated(.catalog, offset: 30_000)) {
            try Catalog.decode(whole.prefix(30_000))
        }
    }
}
