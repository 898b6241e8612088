import Foundation
import Sandbox
import Testing
@testable import DbtCloud
import TestSupport

@Suite("Discovery: inline GraphQL, named queries, the sandbox's answers")
struct DiscoveryQueryTests {
    static let broken = "model.lumen_shop.int_customer_order_history"

    @Test func aModelsRunHistoryIsItsRunsInTheEnvironmentNewestFirst() async throws {
        try await withSandbox { sandbox in
            let runs = try await sandbox.client.modelHistoricalRuns(environmentID: 202, uniqueID: Self.broken, lastRunCount: 3)
            #expect(runs.count == 3)
            let newest = try #require(runs.first)
            #expect(newest.runID == 902)
            #expect(newest.jobID == DemoWorld.failingJobID)
            #expect(newest.status == "error")
            #expect(newest.error?.contains("Binder Error") == true)
            #expect(runs.dropFirst().allSatisfy { $0.status == "success" && $0.error == nil })
            #expect(newest.tests.contains { $0.name == "not_null_int_customer_order_history_customer_id" && $0.status == "skipped" })
            let times = runs.compactMap(\.generatedAt)
            #expect(times.count == 3)
            #expect(times == times.sorted(by: >))
            let post = try #require(sandbox.requests(method: "POST").last)
            #expect(post.jsonBody?["variables"]?["uniqueId"] == .string(Self.broken))
            #expect(post.jsonBody?["query"]?.stringValue?.contains("modelHistoricalRuns(uniqueId: $uniqueId, lastRunCount: $lastRunCount)") == true)

            let all = try await sandbox.client.modelHistoricalRuns(environmentID: 202, uniqueID: Self.broken, lastRunCount: 100)
            #expect(all.count > 3, "runs of every job of the environment count")
            #expect(try await sandbox.client.modelHistoricalRuns(environmentID: 202, uniqueID: "model.lumen_shop.nope").isEmpty)
        }
    }

    @Test func aModelsLineageNamesItsParentsChildrenAndAncestors() async throws {
        try await withSandbox { sandbox in
            let lineage = try await sandbox.client.modelLineage(environmentID: 202, uniqueID: Self.broken)
            #expect(lineage.uniqueID == Self.broken)
            #expect(!lineage.parents.isEmpty)
            #expect(lineage.parents.allSatisfy { $0.uniqueID != nil && $0.resourceType != nil })
            #expect(lineage.children.contains { $0.resourceType == "model" })
            #expect(lineage.ancestors.contains { $0.resourceType == "seed" && $0.uniqueID == "seed.lumen_shop.raw_orders" }, "seeds upstream")
            #expect(lineage.ancestors.count > lineage.parents.count)
            #expect(Set(lineage.parents.compactMap(\.uniqueID)).isSubset(of: Set(lineage.ancestors.compactMap(\.uniqueID))))
            await #expect {
                _ = try await sandbox.client.modelLineage(environmentID: 202, uniqueID: "model.lumen_shop.nope")
            } throws: { ($0 as? DbtCloudError)?.kind == .notFound }
        }
    }

    @Test func staleSourcesAreTheOnesThatWarnedOrFailed() async throws {
        try await withSandbox { sandbox in
            let stale = try await sandbox.client.staleSources(environmentID: 202)
            #expect(stale.map(\.uniqueID) == ["source.lumen_shop.erp.inventory_levels", "source.lumen_shop.marketing_ads.daily_ad_spend"])
            #expect(stale.map(\.status) == ["error", "warn"])
            #expect(stale.first?.ageSeconds.map { $0 > 140_000 } == true)
            #expect(stale.first?.maxLoadedAt != nil)
            // Environment 211 (marketing) replays the green fixtures.
            #expect(try await sandbox.client.staleSources(environmentID: 211).isEmpty)
        }
    }

    @Test func aBareModelNameResolvesToItsUniqueID() async throws {
        try await withSandbox { sandbox in
            let byName = try await sandbox.client.modelUniqueID(environmentID: 202, "int_customer_order_history")
            #expect(byName == Self.broken)
            let byID = try await sandbox.client.modelUniqueID(environmentID: 202, Self.broken)
            #expect(byID == Self.broken)
            await #expect {
                _ = try await sandbox.client.modelUniqueID(environmentID: 202, "no_such_model")
            } throws: { ($0 as? DbtCloudError)?.description.contains("no model named") == true }
        }
    }

    @Test func namedQueriesAreCompletableByName() {
        #expect(DiscoveryQueries.all.map(\.name) == ["modelHistoricalRuns", "lineage", "staleSources"])
        #expect(DiscoveryQueries.named("STALESOURCES")?.paged == true)
        #expect(DiscoveryQueries.named("lineage")?.requiredVariables == ["uniqueId"])
        #expect(DiscoveryQueries.named("nope") == nil)
    }

    // MARK: - The sandbox as a GraphQL server

    func errors(_ body: JSONValue) -> [String] {
        (body["errors"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
    }

    @Test func aliasesFragmentsDirectivesAndTypenameAreAnswered() async throws {
        try await withSandbox { sandbox in
            let query = """
                query Q($env: BigInt!, $withDescription: Boolean = false) {
                  environment(id: $env) {
                    applied {
                      broken: models(first: 1, filter: { lastRunStatus: "error" }) {
                        edges { node { ...Basics description @include(if: $withDescription) } }
                      }
                      sources(filter: { freshnessStatus: "warn" }) { edges { node { __typename ... on SourceAppliedStateNode { sourceName } } } }
                    }
                  }
                }
                fragment Basics on ModelAppliedStateNode { __typename id: uniqueId name }
                """
            let data = try await sandbox.client.graphQL(query: query, variables: ["env": 202])
            let node = try #require(data.value(at: ["environment", "applied", "broken", "edges"])?[0]?["node"])
            #expect(node == ["__typename": "ModelAppliedStateNode", "id": .string(Self.broken), "name": "int_customer_order_history"])
            let source = data.value(at: ["environment", "applied", "sources", "edges"])?[0]?["node"]
            #expect(source == ["__typename": "SourceAppliedStateNode", "sourceName": "marketing_ads"])
        }
    }

    @Test func invalidQueriesGetGraphQLErrorsWithLocations() async throws {
        try await withSandbox { sandbox in
            func answer(_ query: String, _ variables: [String: JSONValue] = [:]) async throws -> JSONValue {
                let response = try await sandbox.client.send("POST", "/graphql", body: ["query": .string(query), "variables": .object(variables)])
                return response.json ?? .null
            }
            let syntax = try await answer("{ environment(id: 202) { applied { models(first: 2) { edges { node { name } } } }")
            #expect(errors(syntax).first?.hasPrefix("Syntax Error: Expected") == true)
            #expect(syntax["errors"]?[0]?["locations"]?[0]?["line"] == 1)
            #expect(syntax["data"] == .null)

            let unknown = try await answer("{ environment(id: 202) {\n  applied { nope } } }")
            #expect(errors(unknown) == ["Cannot query field \"nope\" on type \"AppliedState\"."])
            #expect(unknown["errors"]?[0]?["locations"]?[0] == ["line": 2, "column": 13])

            let missing = try await answer("query ($environmentId: BigInt!) { environment(id: $environmentId) { id } }")
            #expect(errors(missing) == ["Variable \"$environmentId\" of required type \"BigInt!\" was not provided."])

            let noSubfields = try await answer("{ environment(id: 202) { applied } }")
            #expect(errors(noSubfields).first?.contains("must have a selection of subfields") == true)

            let notFound = try await answer("{ environment(id: 999) { id } }")
            #expect(errors(notFound) == ["Environment 999 was not found or you do not have access to it."])
            #expect(notFound["errors"]?[0]?["path"] == ["environment"])
            #expect(notFound["data"] == ["environment": nil])

            let mutation = try await answer("mutation { x }")
            #expect(errors(mutation).first?.contains("read-only") == true)
            let badFilter = try await answer("{ environment(id: 202) { applied { models(filter: { color: \"red\" }) { totalCount } } } }")
            #expect(errors(badFilter).first?.contains("\"color\" is not defined by type \"ModelAppliedFilter\"") == true)
        }
    }

    @Test func jobLevelQueriesReadOneRun() async throws {
        try await withSandbox { sandbox in
            let data = try await sandbox.client.graphQL(
                query: "query ($job: BigInt!, $run: BigInt) { job(id: $job, runId: $run) { id runId models { uniqueId status } } }",
                variables: ["job": .int(DemoWorld.failingJobID), "run": 901])
            #expect(data["job"]?["runId"] == 901)
            let statuses = data["job"]?["models"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
            #expect(!statuses.isEmpty)
            #expect(statuses.allSatisfy { $0 == "success" })
            let latest = try await sandbox.client.graphQL(
                query: "{ job(id: 43167) { runId models(uniqueId: \"\(Self.broken)\") { status error } } }")
            #expect(latest["job"]?["runId"] == 902)
            #expect(latest["job"]?["models"]?[0]?["status"] == "error")
        }
    }
}
