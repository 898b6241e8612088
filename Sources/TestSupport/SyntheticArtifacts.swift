import Foundation

/// Large, realistic dbt artifacts for benchmarks, shaped like dbt-core 1.11's output:
/// 3,000 models give a catalog.json of about 5 MB and a manifest.json of about 25 MB.
/// The same `models` count always gives the same bytes.
public enum SyntheticArtifacts {
    public static func catalog(models: Int) -> Data {
        SyntheticProject(models: models).catalog()
    }

    public static func manifest(models: Int) -> Data {
        SyntheticProject(models: models).manifest()
    }

    /// A `dbt build` run_results.json where `failing` models error and everything downstream is skipped.
    public static func runResults(models: Int, failing: Int) -> Data {
        SyntheticProject(models: models).runResults(failing: failing)
    }

    /// unique_ids of the models that `runResults(models:failing:)` makes fail.
    public static func failingModelIDs(models: Int, failing: Int) -> [String] {
        let project = SyntheticProject(models: models)
        return project.failingModels(failing).map { project.modelsByIndex[$0].uniqueID }
    }
}

/// The invented project behind `SyntheticArtifacts`: staging models on sources, intermediate
/// models on staging, marts on intermediate; a not_null test on every model's key, and a
/// unique test on the marts.
struct SyntheticProject {
    struct Column {
        let name: String
        let type: String
        let description: String?
    }

    struct Model {
        let index: Int
        let name: String
        let layer: String
        let database: String
        let schema: String
        let materialized: String
        let columns: [Column]
        let parents: [String]
        /// Indexes of the parent models (empty for staging models, whose parent is a source).
        let parentModels: [Int]
        var uniqueID: String { "model.\(SyntheticProject.package).\(name)" }
        var relation: String { "\"\(database)\".\"\(schema)\".\"\(name)\"" }
    }

    struct Source {
        let sourceName: String
        let table: String
        var uniqueID: String { "source.\(SyntheticProject.package).\(sourceName).\(table)" }
    }

    struct Test {
        let uniqueID: String
        let name: String
        let kind: String
        let model: Int
        let column: String
    }

    static let package = "synthetic_shop"
    static let subjects = [
        "orders", "customers", "payments", "products", "shipments", "refunds", "sessions", "carts",
        "invoices", "suppliers", "inventory", "campaigns", "returns", "reviews", "subscriptions", "stores",
    ]
    static let columnWords = [
        "status", "amount_usd", "created_at", "updated_at", "country_code", "channel", "quantity",
        "discount_code", "is_active", "region", "currency", "net_revenue_usd", "margin_usd", "category",
        "email", "score", "segment", "loaded_at",
    ]
    static let columnTypes = ["VARCHAR", "DOUBLE", "TIMESTAMP", "TIMESTAMP", "VARCHAR", "VARCHAR", "BIGINT",
                              "VARCHAR", "BOOLEAN", "VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "VARCHAR",
                              "VARCHAR", "DOUBLE", "VARCHAR", "TIMESTAMP"]

    let modelsByIndex: [Model]
    let sources: [Source]
    let tests: [Test]

    init(models count: Int) {
        let count = max(0, count)
        var random = SeededRandom(seed: 0x5EED_0001)
        let stagingCount = max(1, count / 3)
        let intermediateCount = max(0, count / 3)
        var models: [Model] = []
        var sources: [Source] = []
        models.reserveCapacity(count)
        for index in 0..<count {
            let subject = Self.subjects[index % Self.subjects.count]
            let layer: String
            let parents: [String]
            var parentModels: [Int] = []
            if index < stagingCount {
                layer = "stg"
                if index % 3 == 0 {
                    sources.append(Source(sourceName: "raw_\(String(format: "%02d", index / 120))", table: "\(subject)_\(index)"))
                }
                parents = [sources[index / 3].uniqueID]
            } else if index < stagingCount + intermediateCount {
                layer = "int"
                let first = random.next(below: stagingCount)
                let second = random.next(below: stagingCount)
                parentModels = Set([first, second]).sorted()
                parents = parentModels.map { models[$0].uniqueID }
            } else {
                layer = "fct"
                let lower = stagingCount
                let span = max(1, index - lower)
                let picks = (0..<(2 + random.next(below: 2))).map { _ in lower + random.next(below: span) }
                parentModels = Set(picks).sorted()
                parents = parentModels.map { models[$0].uniqueID }
            }
            let name = "\(layer)_\(subject)_\(index)"
            let columnCount = 5 + random.next(below: 8)
            var columns = [Column(name: "\(subject)_id", type: "BIGINT", description: "Identifier of the \(subject.dropLast()) row; unique and never null.")]
            for position in 1..<columnCount {
                let word = (position - 1 + index) % Self.columnWords.count
                let documented = position < 4
                columns.append(Column(
                    name: position < Self.columnWords.count ? Self.columnWords[word] : "\(Self.columnWords[word])_\(position)",
                    type: Self.columnTypes[word],
                    description: documented ? "The \(Self.columnWords[word].replacingOccurrences(of: "_", with: " ")) of the \(subject.dropLast()), as loaded." : nil
                ))
            }
            var seen: Set<String> = []
            columns = columns.filter { seen.insert($0.name).inserted }
            let database = layer == "fct" ? "analytics" : "warehouse"
            let schema = layer == "stg" ? "staging" : layer == "int" ? "intermediate" : "marts_\(String(format: "%02d", (index / 100) % 30))"
            models.append(Model(
                index: index, name: name, layer: layer, database: database, schema: schema,
                materialized: layer == "stg" ? "view" : "table", columns: columns, parents: parents,
                parentModels: parentModels
            ))
        }
        var tests: [Test] = []
        tests.reserveCapacity(count * 4 / 3 + 1)
        for model in models {
            let column = model.columns[0].name
            for kind in model.layer == "fct" ? ["not_null", "unique"] : ["not_null"] {
                let name = "\(kind)_\(model.name)_\(column)"
                let hash = String(format: "%010x", UInt64(truncatingIfNeeded: name.hashValueStable) & 0xFF_FFFF_FFFF)
                tests.append(Test(uniqueID: "test.\(Self.package).\(name).\(hash)", name: name, kind: kind, model: model.index, column: column))
            }
        }
        modelsByIndex = models
        self.sources = sources
        self.tests = tests
    }

    /// Intermediate models spread over the layer, so that their failures skip marts downstream.
    func failingModels(_ failing: Int) -> [Int] {
        let candidates = modelsByIndex.filter { $0.layer == "int" }.map(\.index)
        guard failing > 0, !candidates.isEmpty else { return [] }
        let step = max(1, candidates.count / failing)
        return Array(stride(from: 0, to: candidates.count, by: step).prefix(failing).map { candidates[$0] })
    }

    // MARK: catalog.json

    func catalog() -> Data {
        var json = JSONText(capacity: modelsByIndex.count * 1_800 + 4_096)
        json.raw(#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json", "dbt_version": "1.11.16", "generated_at": "2026-11-28T23:57:22.778138Z", "invocation_id": "00000000-0000-4000-8000-000000000003", "invocation_started_at": "2026-11-28T23:57:20.578846Z", "env": {}}, "nodes": {"#)
        for (position, model) in modelsByIndex.enumerated() {
            if position > 0 { json.raw(", ") }
            json.string(model.uniqueID)
            json.raw(": ")
            catalogEntry(
                &json, uniqueID: model.uniqueID, type: model.materialized == "view" ? "VIEW" : "BASE TABLE",
                database: model.database, schema: model.schema, name: model.name,
                comment: "One row per \(model.name.split(separator: "_")[1].dropLast()) for the \(model.layer) layer.",
                columns: model.columns, rows: model.materialized == "view" ? nil : 1_000 + model.index * 37
            )
        }
        json.raw(#"}, "sources": {"#)
        for (position, source) in sources.enumerated() {
            if position > 0 { json.raw(", ") }
            json.string(source.uniqueID)
            json.raw(": ")
            let columns = modelsByIndex[position].columns
            catalogEntry(
                &json, uniqueID: source.uniqueID, type: "BASE TABLE", database: "warehouse",
                schema: source.sourceName, name: source.table, comment: nil, columns: columns, rows: 5_000 + position
            )
        }
        json.raw(#"}, "errors": null}"#)
        return json.data
    }

    private func catalogEntry(
        _ json: inout JSONText, uniqueID: String, type: String, database: String, schema: String,
        name: String, comment: String?, columns: [Column], rows: Int?
    ) {
        json.raw(#"{"metadata": {"type": "#)
        json.string(type)
        json.raw(#", "schema": "#)
        json.string(schema)
        json.raw(#", "name": "#)
        json.string(name)
        json.raw(#", "database": "#)
        json.string(database)
        json.raw(#", "comment": "#)
        json.optionalString(comment)
        json.raw(#", "owner": "synthetic_platform"}, "columns": {"#)
        for (position, column) in columns.enumerated() {
            if position > 0 { json.raw(", ") }
            json.string(column.name)
            json.raw(#": {"type": "#)
            json.string(column.type)
            json.raw(#", "index": \#(position + 1), "name": "#)
            json.string(column.name)
            json.raw(#", "comment": "#)
            json.optionalString(column.description)
            json.raw("}")
        }
        json.raw(#"}, "stats": {"column_count": {"id": "column_count", "label": "Column Count", "value": \#(columns.count), "include": true, "description": "Number of columns in the relation"}, "#)
        if let rows {
            json.raw(#""row_count": {"id": "row_count", "label": "Row Count", "value": \#(rows), "include": true, "description": "Estimated number of rows in the table (DuckDB estimate)"}, "#)
        }
        json.raw(#""has_stats": {"id": "has_stats", "label": "Has Stats?", "value": true, "include": false, "description": "Indicates whether there are statistics for this table"}}, "unique_id": "#)
        json.string(uniqueID)
        json.raw("}")
    }

    // MARK: manifest.json

    func manifest() -> Data {
        var json = JSONText(capacity: modelsByIndex.count * 8_600 + 65_536)
        json.raw(#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "1.11.16", "generated_at": "2026-11-28T23:57:15.368725Z", "invocation_id": "00000000-0000-4000-8000-000000000002", "invocation_started_at": "2026-11-28T23:57:09.846297+00:00", "env": {}, "project_name": "synthetic_shop", "project_id": "0f3c2b1a9d8e7f60", "user_id": null, "send_anonymous_usage_stats": false, "adapter_type": "duckdb", "quoting": {"database": true, "schema": true, "identifier": true, "column": null}, "run_started_at": "2026-11-28T23:57:09.846297+00:00"}, "nodes": {"#)
        var first = true
        for model in modelsByIndex {
            if !first { json.raw(", ") }
            first = false
            json.string(model.uniqueID)
            json.raw(": ")
            modelNode(&json, model)
        }
        for test in tests {
            json.raw(", ")
            json.string(test.uniqueID)
            json.raw(": ")
            testNode(&json, test)
        }
        json.raw(#"}, "sources": {"#)
        for (position, source) in sources.enumerated() {
            if position > 0 { json.raw(", ") }
            json.string(source.uniqueID)
            json.raw(": ")
            sourceNode(&json, source)
        }
        json.raw(#"}, "macros": {"macro.dbt.is_incremental": {"name": "is_incremental", "resource_type": "macro", "package_name": "dbt", "path": "macros/materializations/models/incremental/is_incremental.sql", "original_file_path": "macros/materializations/models/incremental/is_incremental.sql", "unique_id": "macro.dbt.is_incremental", "macro_sql": "{% macro is_incremental() %}\n    {{ return(false) }}\n{% endmacro %}", "depends_on": {"macros": []}, "description": "", "meta": {}, "docs": {"show": true, "node_color": null}, "patch_path": null, "arguments": [], "created_at": 1795910230.1, "supported_languages": null}}, "docs": {}, "exposures": {}, "metrics": {}, "groups": {}, "selectors": {}, "disabled": {}, "parent_map": {"#)
        var parentsByID: [(String, [String])] = []
        parentsByID.reserveCapacity(modelsByIndex.count + tests.count + sources.count)
        for model in modelsByIndex { parentsByID.append((model.uniqueID, model.parents)) }
        for test in tests { parentsByID.append((test.uniqueID, [modelsByIndex[test.model].uniqueID])) }
        for source in sources { parentsByID.append((source.uniqueID, [])) }
        idMap(&json, parentsByID)
        json.raw(#"}, "child_map": {"#)
        var children: [String: [String]] = [:]
        for (child, parents) in parentsByID {
            for parent in parents { children[parent, default: []].append(child) }
        }
        idMap(&json, parentsByID.map { ($0.0, children[$0.0] ?? []) })
        json.raw(#"}, "group_map": {}, "saved_queries": {}, "semantic_models": {}, "unit_tests": {}, "functions": {}}"#)
        return json.data
    }

    private func idMap(_ json: inout JSONText, _ entries: [(String, [String])]) {
        for (position, entry) in entries.enumerated() {
            if position > 0 { json.raw(", ") }
            json.string(entry.0)
            json.raw(": [")
            for (index, id) in entry.1.enumerated() {
                if index > 0 { json.raw(", ") }
                json.string(id)
            }
            json.raw("]")
        }
    }

    private func modelSQL(_ model: Model, compiled: Bool) -> String {
        let columns = model.columns.map { "    \($0.name)" }.joined(separator: ",\n")
        let from: String
        if model.layer == "stg" {
            let source = sources[model.index / 3]
            from = compiled ? "\"warehouse\".\"\(source.sourceName)\".\"\(source.table)\"" : "{{ source('\(source.sourceName)', '\(source.table)') }}"
        } else {
            let refs = model.parentModels.map { parent in
                compiled ? modelsByIndex[parent].relation : "{{ ref('\(modelsByIndex[parent].name)') }}"
            }
            from = refs.enumerated().map { $0.offset == 0 ? $0.element : "left join \($0.element) using (\(model.columns[0].name))" }
                .joined(separator: "\n")
        }
        let header = compiled ? "\n\n" : "{{ config(materialized='\(model.materialized)') }}\n\n"
        return "\(header)-- \(model.layer) model for \(model.name)\nwith source_rows as (\n    select *\n    from \(from)\n)\n\nselect\n\(columns)\nfrom source_rows\nwhere \(model.columns[0].name) is not null"
    }

    private func modelNode(_ json: inout JSONText, _ model: Model) {
        let folder = model.layer == "stg" ? "staging" : model.layer == "int" ? "intermediate" : "marts"
        let path = "\(folder)/\(model.name).sql"
        json.raw(#"{"database": "#)
        json.string(model.database)
        json.raw(#", "schema": "#)
        json.string(model.schema)
        json.raw(#", "name": "#)
        json.string(model.name)
        json.raw(#", "resource_type": "model", "package_name": "synthetic_shop", "path": "#)
        json.string(path)
        json.raw(#", "original_file_path": "#)
        json.string("models/\(path)")
        json.raw(#", "unique_id": "#)
        json.string(model.uniqueID)
        json.raw(#", "fqn": ["synthetic_shop", "#)
        json.raw("\"\(folder)\", \"\(model.name)\"], ")
        json.raw(#""alias": "#)
        json.string(model.name)
        json.raw(#", "checksum": {"name": "sha256", "checksum": "#)
        json.string(String(repeating: String(format: "%08x", model.index &* 2_654_435_761 & 0xFFFF_FFFF), count: 8))
        json.raw(#"}, "config": {"enabled": true, "alias": null, "schema": "#)
        json.string(model.schema)
        json.raw(#", "database": "#)
        json.string(model.database)
        json.raw(#", "tags": [], "meta": {}, "group": null, "static_analysis": null, "materialized": "#)
        json.string(model.materialized)
        json.raw(#", "incremental_strategy": null, "batch_size": null, "lookback": 1, "begin": null, "persist_docs": {"relation": true, "columns": true}, "post-hook": [], "pre-hook": [], "quoting": {}, "column_types": {}, "full_refresh": null, "unique_key": null, "on_schema_change": "ignore", "on_configuration_change": "apply", "grants": {}, "packages": [], "docs": {"show": true, "node_color": null}, "contract": {"enforced": false, "alias_types": true}, "event_time": null, "concurrent_batches": null, "access": "protected", "freshness": null}, "tags": [], "description": "#)
        json.string("One row per \(model.name.split(separator: "_")[1].dropLast()) for the \(model.layer) layer.\nBuilt from \(model.parents.count) upstream node(s).\n")
        json.raw(#", "columns": {"#)
        for (position, column) in model.columns.enumerated() {
            if position > 0 { json.raw(", ") }
            json.string(column.name)
            json.raw(#": {"name": "#)
            json.string(column.name)
            json.raw(#", "description": "#)
            json.string(column.description ?? "")
            json.raw(#", "meta": {}, "data_type": null, "constraints": [], "quote": null, "config": {"meta": {}, "tags": []}, "tags": [], "granularity": null, "doc_blocks": []}"#)
        }
        json.raw(#"}, "meta": {}, "group": null, "docs": {"show": true, "node_color": null}, "patch_path": "#)
        json.string("synthetic_shop://models/\(folder)/_\(folder).yml")
        json.raw(#", "build_path": "#)
        json.string("target/run/synthetic_shop/models/\(path)")
        json.raw(#", "unrendered_config": {"persist_docs": {"relation": true, "columns": true}, "materialized": "#)
        json.string(model.materialized)
        json.raw(#"}, "created_at": 1795910231.8482096, "relation_name": "#)
        json.string(model.relation)
        json.raw(#", "raw_code": "#)
        json.string(modelSQL(model, compiled: false))
        json.raw(#", "doc_blocks": [], "language": "sql", "refs": ["#)
        let refs = model.parents.filter { $0.hasPrefix("model.") }
        for (position, parent) in refs.enumerated() {
            if position > 0 { json.raw(", ") }
            json.raw(#"{"name": "#)
            json.string(String(parent.split(separator: ".").last!))
            json.raw(#", "package": null, "version": null}"#)
        }
        json.raw(#"], "sources": ["#)
        if model.layer == "stg" {
            let source = sources[model.index / 3]
            json.raw("[\"\(source.sourceName)\", \"\(source.table)\"]")
        }
        json.raw(#"], "metrics": [], "functions": [], "depends_on": {"macros": [], "nodes": ["#)
        for (position, parent) in model.parents.enumerated() {
            if position > 0 { json.raw(", ") }
            json.string(parent)
        }
        json.raw(#"]}, "compiled_path": "#)
        json.string("target/compiled/synthetic_shop/models/\(path)")
        json.raw(#", "compiled": true, "compiled_code": "#)
        json.string(modelSQL(model, compiled: true))
        json.raw(#", "extra_ctes_injected": true, "extra_ctes": [], "contract": {"enforced": false, "alias_types": true, "checksum": null}, "access": "protected", "constraints": [], "version": null, "latest_version": null, "deprecation_date": null, "primary_key": ["#)
        json.string(model.columns[0].name)
        json.raw(#"], "time_spine": null}"#)
    }

    private func testSQL(_ test: Test, compiled: Bool) -> String {
        let model = modelsByIndex[test.model]
        let target = compiled ? model.relation : "{{ ref('\(model.name)') }}"
        if test.kind == "unique" {
            return "\n    \nselect\n    \(test.column) as unique_field,\n    count(*) as n_records\n\nfrom \(target)\nwhere \(test.column) is not null\ngroup by \(test.column)\nhaving count(*) > 1\n\n\n"
        }
        return "\n    \n    \n\n\n\nselect \(test.column)\nfrom \(target)\nwhere \(test.column) is null\n\n\n"
    }

    private func testNode(_ json: inout JSONText, _ test: Test) {
        let model = modelsByIndex[test.model]
        let folder = model.layer == "stg" ? "staging" : model.layer == "int" ? "intermediate" : "marts"
        json.raw(#"{"database": "warehouse", "schema": "dbt_test__audit", "name": "#)
        json.string(test.name)
        json.raw(#", "resource_type": "test", "package_name": "synthetic_shop", "path": "#)
        json.string("\(test.name).sql")
        json.raw(#", "original_file_path": "#)
        json.string("models/\(folder)/_\(folder).yml")
        json.raw(#", "unique_id": "#)
        json.string(test.uniqueID)
        json.raw(#", "fqn": ["synthetic_shop", "#)
        json.raw("\"\(folder)\", \"\(test.name)\"], ")
        json.raw(#""alias": "#)
        json.string(test.name)
        json.raw(#", "checksum": {"name": "none", "checksum": ""}, "config": {"enabled": true, "alias": null, "schema": "dbt_test__audit", "database": null, "tags": [], "meta": {}, "group": null, "static_analysis": null, "materialized": "test", "severity": "ERROR", "store_failures": null, "store_failures_as": null, "where": null, "limit": null, "fail_calc": "count(*)", "warn_if": "!= 0", "error_if": "!= 0"}, "tags": [], "description": "", "columns": {}, "meta": {}, "group": null, "docs": {"show": true, "node_color": null}, "patch_path": null, "build_path": null, "unrendered_config": {}, "created_at": 1795910232.1, "relation_name": null, "raw_code": "#)
        json.string("{{ test_\(test.kind)(**_dbt_generic_test_kwargs) }}")
        json.raw(#", "doc_blocks": [], "language": "sql", "refs": [{"name": "#)
        json.string(model.name)
        json.raw(#", "package": null, "version": null}], "sources": [], "metrics": [], "functions": [], "depends_on": {"macros": ["#)
        json.string("macro.dbt.test_\(test.kind)")
        json.raw(#", "macro.dbt.get_where_subquery"], "nodes": ["#)
        json.string(model.uniqueID)
        json.raw(#"]}, "compiled_path": "#)
        json.string("target/compiled/synthetic_shop/models/\(folder)/_\(folder).yml/\(test.name).sql")
        json.raw(#", "compiled": true, "compiled_code": "#)
        json.string(testSQL(test, compiled: true))
        json.raw(#", "extra_ctes_injected": true, "extra_ctes": [], "contract": {"enforced": false, "alias_types": true, "checksum": null}, "column_name": "#)
        json.string(test.column)
        json.raw(#", "file_key_name": "#)
        json.string("models.\(model.name)")
        json.raw(#", "attached_node": "#)
        json.string(model.uniqueID)
        json.raw(#", "test_metadata": {"name": "#)
        json.string(test.kind)
        json.raw(#", "kwargs": {"column_name": "#)
        json.string(test.column)
        json.raw(#", "model": "#)
        json.string("{{ get_where_subquery(ref('\(model.name)')) }}")
        json.raw(#"}, "namespace": null}}"#)
    }

    private func sourceNode(_ json: inout JSONText, _ source: Source) {
        json.raw(#"{"database": "warehouse", "schema": "#)
        json.string(source.sourceName)
        json.raw(#", "name": "#)
        json.string(source.table)
        json.raw(#", "resource_type": "source", "package_name": "synthetic_shop", "path": "models/staging/_sources.yml", "original_file_path": "models/staging/_sources.yml", "unique_id": "#)
        json.string(source.uniqueID)
        json.raw(#", "fqn": ["synthetic_shop", "staging", "#)
        json.raw("\"\(source.sourceName)\", \"\(source.table)\"], ")
        json.raw(#""source_name": "#)
        json.string(source.sourceName)
        json.raw(#", "source_description": "", "loader": "fivetran", "identifier": "#)
        json.string(source.table)
        json.raw(#", "quoting": {"database": null, "schema": null, "identifier": null, "column": null}, "loaded_at_field": "_loaded_at", "loaded_at_query": null, "freshness": {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": 36, "period": "hour"}, "filter": null}, "external": null, "description": "Raw rows as delivered by the loader.", "columns": {}, "meta": {}, "source_meta": {}, "tags": [], "config": {"enabled": true, "event_time": null, "freshness": null}, "patch_path": null, "unrendered_config": {}, "relation_name": "#)
        json.string("\"warehouse\".\"\(source.sourceName)\".\"\(source.table)\"")
        json.raw(#", "created_at": 1795910231.2, "unrendered_database": null, "unrendered_schema": null, "doc_blocks": []}"#)
    }

    // MARK: run_results.json

    func runResults(failing: Int) -> Data {
        let failed = Set(failingModels(failing).map { modelsByIndex[$0].uniqueID })
        var skipped: Set<String> = []
        var children: [String: [String]] = [:]
        for model in modelsByIndex {
            for parent in model.parents { children[parent, default: []].append(model.uniqueID) }
        }
        var queue = Array(failed)
        while let next = queue.popLast() {
            for child in children[next] ?? [] where skipped.insert(child).inserted {
                queue.append(child)
            }
        }
        var json = JSONText(capacity: (modelsByIndex.count + tests.count) * 1_400 + 4_096)
        json.raw(#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json", "dbt_version": "1.11.16", "generated_at": "2026-11-28T23:57:18.596689Z", "invocation_id": "00000000-0000-4000-8000-000000000002", "invocation_started_at": "2026-11-28T23:57:14.787001Z", "env": {}}, "results": ["#)
        var random = SeededRandom(seed: 0x5EED_0002)
        var first = true
        for model in modelsByIndex {
            let status: String
            var message: String?
            if failed.contains(model.uniqueID) {
                status = "error"
                message = "Runtime Error in model \(model.name) (models/\(model.name).sql)\n  Binder Error: Referenced column \"legacy_amount_usd\" not found in FROM clause!\n  Candidate bindings: \"amount_usd\", \"net_revenue_usd\"\n\n  LINE 9:     legacy_amount_usd,\n              ^"
            } else if skipped.contains(model.uniqueID) {
                status = "skipped"
            } else {
                status = "success"
                message = "OK"
            }
            if !first { json.raw(", ") }
            first = false
            result(
                &json, uniqueID: model.uniqueID, status: status, message: message, failures: nil,
                time: status == "skipped" ? 0 : 0.05 + Double(random.next(below: 900)) / 1_000,
                compiledCode: status == "skipped" ? nil : modelSQL(model, compiled: true), relation: model.relation
            )
        }
        for test in tests {
            let model = modelsByIndex[test.model].uniqueID
            let blocked = failed.contains(model) || skipped.contains(model)
            json.raw(", ")
            result(
                &json, uniqueID: test.uniqueID, status: blocked ? "skipped" : "pass", message: nil,
                failures: blocked ? nil : 0, time: blocked ? 0 : 0.02 + Double(random.next(below: 200)) / 1_000,
                compiledCode: blocked ? nil : testSQL(test, compiled: true), relation: nil
            )
        }
        json.raw(#"], "elapsed_time": 312.5, "args": {"which": "build", "invocation_command": "dbt build", "select": [], "exclude": [], "vars": {}, "indirect_selection": "eager", "project_dir": "/project", "log_path": "/project/logs", "write_json": true, "partial_parse": true, "use_colors": true, "printer_width": 80}}"#)
        return json.data
    }

    private func result(
        _ json: inout JSONText, uniqueID: String, status: String, message: String?, failures: Int?,
        time: Double, compiledCode: String?, relation: String?
    ) {
        json.raw(#"{"status": "#)
        json.string(status)
        if status == "skipped" {
            json.raw(#", "timing": [], "thread_id": "Thread-1 (worker)", "execution_time": 0, "adapter_response": {}"#)
        } else {
            json.raw(#", "timing": [{"name": "compile", "started_at": "2026-11-28T23:57:15.955176Z", "completed_at": "2026-11-28T23:57:15.955181Z"}, {"name": "execute", "started_at": "2026-11-28T23:57:15.955842Z", "completed_at": "2026-11-28T23:57:16.368865Z"}], "thread_id": "Thread-4 (worker)", "execution_time": "#)
            json.raw(String(format: "%.6f", time))
            json.raw(status == "error" ? #", "adapter_response": {}"# : #", "adapter_response": {"_message": "OK"}"#)
        }
        json.raw(#", "message": "#)
        json.optionalString(message)
        json.raw(#", "failures": "#)
        json.raw(failures.map(String.init) ?? "null")
        json.raw(#", "unique_id": "#)
        json.string(uniqueID)
        json.raw(#", "compiled": "#)
        json.raw(status == "skipped" ? "false" : "true")
        json.raw(#", "compiled_code": "#)
        json.optionalString(compiledCode)
        json.raw(#", "relation_name": "#)
        json.optionalString(relation)
        json.raw(#", "batch_results": null}"#)
    }
}

/// Appends JSON text to a byte buffer.
struct JSONText {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var data: Data { Data(bytes) }

    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        escaped(text)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    /// The string's characters escaped for JSON, without quotes.
    mutating func escaped(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20: bytes.append(contentsOf: Array(String(format: "\\u%04x", byte).utf8))
            default: bytes.append(byte)
            }
        }
    }
}

extension String {
    /// FNV-1a over the UTF-8 bytes: stable across processes, unlike `hashValue`.
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0100_0000_01B3
        }
        return hash
    }
}
