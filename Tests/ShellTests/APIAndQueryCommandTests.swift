import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// Issue 14.5 and 14.6: `api` path completion, `help api PATH`, `api --paginate`; inline
/// `query` with `${…}`, `--paginate`, and the named queries. Serialized: they read the request log.
@Suite("api completion and paging, Discovery queries", .serialized, .sandbox())
struct APIAndQueryCommandTests {
    @Test("api --paginate GETs every page with limit and offset and merges their data; --max-items bounds it and says so")
    func apiPaginate() async throws {
        try await withShell { shell, fixture in
            let since = fixture.requestMark()
            let all = await shell.run("api GET '/api/v2/accounts/{account}/runs/?limit=5&order_by=-id' --paginate")
            #expect(all.status == 0, "\(all)")
            let json = try #require(all.json, "\(all)")
            let total = try #require(json["extra"]?["pagination"]?["total_count"]?.intValue)
            #expect(total > 10)
            #expect(json["data"]?.arrayValue?.count == total)
            #expect(json["extra"]?["pagination"]?["count"] == .int(total))
            let ids = json["data"]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
            #expect(ids == ids.sorted(by: >), "the filter is kept on every page")
            let pages = fixture.requests(since: since, method: "GET", pathContains: "/runs/")
            #expect(pages.allSatisfy { $0.path == "/api/v2/accounts/43/runs/" && $0.queryValue("limit") == "5" && $0.queryValue("order_by") == "-id" })
            #expect(pages.map { $0.queryValue("offset") } == stride(from: 0, to: total, by: 5).map { String($0) })
            #expect(all.stderrLines == ["api: \(total) items in \(pages.count) pages"])

            let bounded = await shell.run("api GET '/api/v2/accounts/{account}/runs/?limit=5' --paginate --max-items 7")
            #expect(bounded.status == 0, "\(bounded)")
            #expect(bounded.json?["data"]?.arrayValue?.count == 7)
            #expect(bounded.stderrLines == ["api: stopped after 7 of \(total) items (2 pages); --max-items N for more"])

            let single = await shell.run("api GET /api/v2/accounts/{account}/ --paginate")
            #expect(single.status == 0, "\(single)")
            #expect(single.json?["data"]?["id"] == 43)
            #expect(single.stderrLines == ["api: the answer's data is not a list: printed as it came"])

            for line in ["api POST /api/v2/accounts/{account}/jobs/ --paginate", "api GET /api/v2/accounts/{account}/runs/ --paginate --max-items 0"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
            }
        }
    }

    @Test("api PATH completes one segment at a time from the OpenAPI specs, the method's paths first")
    func apiPathCompletion() async throws {
        try await withShell { shell, _ in
            let v3 = await shell.complete("api GET /api/v3/accounts/{account}/")
            #expect(v3.word == "/api/v3/accounts/{account}/")
            let projects = try #require(v3.items.first { $0.replacement == "/api/v3/accounts/{account}/projects/" }, "\(v3.items.map(\.replacement))")
            #expect(!projects.appendsSpace, "a folder of endpoints: TAB goes on")
            #expect(projects.display.hasPrefix("projects/  GET"))
            #expect(v3.items.allSatisfy { $0.replacement.hasPrefix("/api/v3/accounts/{account}/") })

            let typed = await shell.complete("api GET /api/v3/accounts/{account}/pro")
            #expect(!typed.items.isEmpty && typed.items.allSatisfy { $0.replacement.hasPrefix("/api/v3/accounts/{account}/pro") })

            let posts = await shell.complete("api POST /api/v2/accounts/{account}/jobs/{job}/").items
            let firstOthers = posts.firstIndex { !$0.display.contains("POST") } ?? posts.count
            #expect(posts.prefix(firstOthers).contains { $0.replacement == "/api/v2/accounts/{account}/jobs/{job}/run/" }, "\(posts.map(\.display))")
            #expect(posts.dropFirst(firstOthers).allSatisfy { !$0.display.contains("POST") }, "POST paths first: \(posts.map(\.display))")
            let run = try #require(posts.first { $0.replacement == "/api/v2/accounts/{account}/jobs/{job}/run/" })
            #expect(run.appendsSpace, "an endpoint with nothing below it ends the word")

            let start = await shell.complete("api GET ").items.map(\.replacement)
            #expect(start == ["/api/"], "\(start)")
            let concrete = await shell.complete("api GET /api/v2/accounts/43/jo").items.map(\.replacement)
            #expect(concrete == ["/api/v2/accounts/43/jobs/"], "typed ids are kept: \(concrete)")
            #expect(await shell.complete("help api /api/v2/accounts/{account}/jo").items.map(\.replacement) == ["/api/v2/accounts/{account}/jobs/"])
            #expect(await shell.complete("api G").items.map(\.replacement) == ["GET"])
        }
    }

    @Test("help api PATH shows the operation's summary and parameters")
    func helpAPIPath() async throws {
        try await withShell { shell, _ in
            let runs = await shell.run("help api /api/v2/accounts/{account}/runs/")
            #expect(runs.status == 0, "\(runs)")
            #expect(runs.stdoutLines.first == "GET /api/v2/accounts/{account}/runs/  (List Runs)", "\(runs)")
            #expect(runs.stdout.contains("a list: --paginate fetches every page"))
            #expect(runs.stdout.contains("  job_definition_id"), "\(runs)")
            #expect(runs.stdout.contains("example: api GET /api/v2/accounts/{account}/runs/"))

            let concrete = await shell.run("help api GET /api/v2/accounts/43/jobs/43167/")
            #expect(concrete.stdoutLines.first?.hasPrefix("GET /api/v2/accounts/{account}/jobs/{job}/") == true, "\(concrete)")
            #expect(!concrete.stdout.contains("POST "), "only the method asked: \(concrete)")

            let folder = await shell.run("help api /api/v3/accounts/{account}/projects/{project}")
            #expect(folder.status == 0)
            #expect(folder.stdout.contains("GET /api/v3/accounts/{account}/projects/{project}/"), "a missing final slash still finds it: \(folder)")

            let nothing = await shell.run("help api /api/v9/nothing/")
            #expect(nothing.stdoutLines == ["api: no endpoint matches /api/v9/nothing/ in the v2 and v3 specs; 'api GET /api/<TAB>' lists them"])
            let command = await shell.run("help api")
            #expect(command.stdout.hasPrefix("usage: api METHOD PATH"), "\(command)")
        }
    }

    @Test("an inline query gets ${environment} and friends from the context, and only the variables it uses")
    func inlineQuery() async throws {
        try await withShell { shell, fixture in
            var since = fixture.requestMark()
            let result = await shell.run("use job 43167; query '{ environment(id: ${environment}) { applied { models(first: 3) { edges { node { name } } } } } }'")
            #expect(result.status == 0, "\(result)")
            #expect(result.json?["environment"]?["applied"]?["models"]?["edges"]?.arrayValue?.count == 3, "\(result)")
            let request = try #require(fixture.requests(since: since, method: "POST", pathContains: "graphql").only)
            #expect(request.jsonBody?["query"] == "{ environment(id: 202) { applied { models(first: 3) { edges { node { name } } } } } }")
            #expect(request.jsonBody?["variables"] == nil || request.jsonBody?["variables"] == [:], "\(String(describing: request.jsonBody))")

            since = fixture.requestMark()
            let declared = await shell.run("query 'query ($environmentId: BigInt!, $n: Int) { environment(id: $environmentId) { applied { models(first: $n) { totalCount } } } }' --var n=2")
            #expect(declared.status == 0, "\(declared)")
            #expect(fixture.requests(since: since, method: "POST", pathContains: "graphql").only?.jsonBody?["variables"] == ["environmentId": 202, "n": 2])

            let unknown = await shell.run("query '{ environment(id: ${nothing}) { dbtProjectName } }'")
            #expect(unknown.status == 2, "\(unknown)")
            #expect(unknown.stderr.contains("--var"), "\(unknown)")
            let missing = await shell.run("unuse environment; query '{ environment(id: ${environment}) { dbtProjectName } }'")
            #expect(missing.status == 2, "\(missing)")
            #expect(missing.stderrLines == ["error: ${environment} needs an environment in context: 'use environment ID'"], "\(missing)")
        }
    }

    @Test("query --paginate follows the cursor page by page and merges the edges; --max-pages bounds it")
    func queryPaginate() async throws {
        try await withShell { shell, fixture in
            let file = try temporaryFile("models.graphql", contents: """
                query Models($environmentId: BigInt!, $first: Int, $after: String) {
                  environment(id: $environmentId) { applied { models(first: $first, after: $after) {
                    totalCount pageInfo { hasNextPage endCursor } edges { node { uniqueId } } } } }
                }
                """)
            defer { try? FileManager.default.removeItem(at: file) }
            let since = fixture.requestMark()
            let all = await shell.run("use job 43167; query '\(file.path)' --paginate --var first=10")
            #expect(all.status == 0, "\(all)")
            let models = try #require(all.json?["environment"]?["applied"]?["models"], "\(all)")
            let total = try #require(models["totalCount"]?.intValue)
            #expect(models["edges"]?.arrayValue?.count == total)
            let posts = fixture.requests(since: since, method: "POST", pathContains: "graphql").compactMap(\.jsonBody)
            #expect(posts.count == (total + 9) / 10)
            #expect(posts.first?["variables"]?["after"] == .null)
            #expect(posts.dropFirst().allSatisfy { $0["variables"]?["after"]?.stringValue != nil }, "each page asks after the last cursor")
            #expect(all.stderrLines.last == "query: \(total) nodes of environment.applied.models in \(posts.count) pages")

            #expect(total > 10)
            let bounded = await shell.run("query '\(file.path)' --paginate --var first=5 --max-pages 2")
            #expect(bounded.json?["environment"]?["applied"]?["models"]?["edges"]?.arrayValue?.count == 10)
            #expect(bounded.stderrLines.last == "query: stopped after 2 pages (10 nodes of environment.applied.models); --max-pages N for more")

            let noCursor = await shell.run("query '{ environment(id: ${environment}) { applied { models(first: 2) { edges { node { name } } } } } }' --paginate")
            #expect(noCursor.status == 2, "\(noCursor)")
            #expect(noCursor.stderr.contains("$after"), "\(noCursor)")
        }
    }

    @Test("the named queries print tables: model-history, lineage, stale-sources")
    func namedQueries() async throws {
        try await withShell { shell, fixture in
            _ = await shell.run("use job 43167")
            let since = fixture.requestMark()
            let history = await shell.run("query model-history fct_orders --last 2")
            #expect(history.status == 0, "\(history)")
            #expect(history.stdout.tableHeader?.split(separator: " ") == ["RUN", "JOB", "STATUS", "GENERATED", "TIME", "TESTS", "ERROR"], "\(history)")
            #expect((1...2).contains(history.stdout.tableRows.count), "\(history)")
            let asked = fixture.requests(since: since, method: "POST", pathContains: "graphql").compactMap(\.jsonBody).last
            #expect(asked?["variables"] == ["environmentId": 202, "uniqueId": "model.lumen_shop.fct_orders", "lastRunCount": 2])
            let historyJSON = await shell.run("query model-history model.lumen_shop.fct_orders --json")
            #expect(historyJSON.json?.arrayValue?.first?["runId"]?.intValue != nil, "\(historyJSON)")

            let lineage = await shell.run("query lineage fct_orders")
            #expect(lineage.status == 0, "\(lineage)")
            let relations = Set(lineage.stdout.tableRows.compactMap { $0.split(separator: " ").first.map(String.init) })
            #expect(relations.isSuperset(of: ["parent", "child"]), "\(lineage)")
            #expect(lineage.stdout.contains("model.lumen_shop.int_orders_enriched"), "\(lineage)")
            let lineageJSON = await shell.run("query lineage fct_orders --json")
            #expect(lineageJSON.json?.arrayValue?.contains { $0["relation"] == "parent" && $0["unique_id"] == "model.lumen_shop.int_orders_enriched" } == true)

            let stale = await shell.run("query stale-sources")
            #expect(stale.status == 0, "\(stale)")
            #expect(stale.stdout.tableRows.first?.hasPrefix("erp.inventory_levels") == true, "errors first: \(stale)")
            #expect(stale.stdout.tableRows.allSatisfy { $0.contains(" error ") || $0.contains(" warn ") })
            let staleJSON = await shell.run("query stale-sources --json")
            #expect(staleJSON.json?.arrayValue?.first?["unique_id"] == "source.lumen_shop.erp.inventory_levels", "\(staleJSON)")

            let unknown = await shell.run("query model-history no_such_model")
            #expect(unknown.status == 2, "\(unknown)")
            #expect(unknown.stderrLines.count == 1)
            let noEnvironment = await shell.run("unuse environment; query stale-sources")
            #expect(noEnvironment.status == 2, "\(noEnvironment)")
            #expect(noEnvironment.stderr.contains("--environment E"), "\(noEnvironment)")
            let explicit = await shell.run("query stale-sources --environment 202 --json")
            #expect(explicit.status == 0, "\(explicit)")
        }
    }

    @Test("query <TAB> offers the named queries; their MODEL completes as a node")
    func queryCompletion() async throws {
        try await withShell { shell, _ in
            #expect(await shell.complete("query ").items.map(\.replacement) == ["lineage", "model-history", "stale-sources"])
            #expect(await shell.complete("query st").items.map(\.replacement) == ["stale-sources"])
            #expect(await shell.complete("cancel --all --status ").items.map(\.replacement) == ["queued", "starting", "running"])
            #expect(await shell.complete("project ").items.map(\.replacement).sorted() == ["create", "delete", "update"])
            #expect(await shell.complete("connection ").items.map(\.replacement).sorted() == ["create", "delete", "show", "update"])
        }
    }
}
