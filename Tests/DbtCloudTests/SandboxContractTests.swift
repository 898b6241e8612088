import Foundation
import Sandbox
import Testing
import TestSupport

/// The sandbox against dbt Cloud's recorded responses (`Resources/examples`, copies of real
/// answers): for each, the sandbox's answer to the same request has every key the recording has,
/// at every depth, with the same JSON type (null matches any type: a value that may be absent).
/// So the sandbox is not its own oracle: the client's tests against it hold against dbt Cloud.
@Suite("Sandbox contract: recorded dbt Cloud responses")
struct SandboxContractTests {
    /// Keys whose contents depend on the warehouse adapter: a BigQuery connection (the recording)
    /// has `client_email`, `token_uri`…, the sandbox's Postgres one `hostname`, `port`…. Below these
    /// paths only the keys every adapter has are compared. This is the only allowance.
    static let adapterSpecific: [String: Set<String>] = [
        // A project's connection: `details` is the adapter's own.
        ".data[].connection.details": [],
        // A v3 environment's connection is flattened: the adapter's keys sit beside the common ones.
        "list-environments.data[].connection": ["id", "account_id", "name", "type", "state", "created_by_id"],
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        let recording: String
        let method: String
        let path: String
        var body: String? = nil
        var token: String = DemoWorld.token
        var status = 200
        /// Names the allowance of `adapterSpecific` that applies, when one does.
        var scope = ""

        var testDescription: String { "\(recording): \(method) \(path)" }
    }

    static let cases: [Case] = [
        Case(recording: "job-get.json", method: "GET", path: "/api/v2/accounts/43/jobs/43167/"),
        Case(recording: "job-list-2021-no-extra.json", method: "GET", path: "/api/v2/accounts/43/jobs/"),
        Case(recording: "list-accounts.json", method: "GET", path: "/api/v2/accounts/"),
        Case(recording: "list-projects.json", method: "GET", path: "/api/v2/accounts/43/projects/"),
        Case(recording: "list-environments-paginated.json", method: "GET", path: "/api/v3/accounts/43/environments/",
             scope: "list-environments"),
        Case(recording: "run-get-success.json", method: "GET", path: "/api/v2/accounts/43/runs/901/"),
        Case(recording: "run-get-success-2.json", method: "GET", path: "/api/v2/accounts/43/runs/901/"),
        Case(recording: "run-get-queued-with-trigger-and-job-2024.json", method: "GET",
             path: "/api/v2/accounts/43/runs/902/?include_related=trigger,job"),
        Case(recording: "run-get-with-run-steps.INFERRED.json", method: "GET",
             path: "/api/v2/accounts/43/runs/902/?include_related=run_steps"),
        Case(recording: "run-artifacts-list.json", method: "GET", path: "/api/v2/accounts/43/runs/901/artifacts/"),
        Case(recording: "run-cancel.json", method: "POST", path: "/api/v2/accounts/43/runs/901/cancel/"),
        Case(recording: "job-delete.json", method: "DELETE", path: "/api/v2/accounts/43/jobs/50001/"),
        Case(recording: "error-401-invalid-token.json", method: "GET", path: "/api/v2/accounts/43/jobs/",
             token: "dbtc_not-a-token", status: 401),
        Case(recording: "error-404-not-found-permissions.json", method: "GET", path: "/api/v2/accounts/43/jobs/999999/",
             status: 404),
        Case(recording: "error-403-forbidden.json", method: "POST", path: "/api/v2/accounts/43/jobs/43168/run/",
             body: #"{"cause":"contract"}"#, token: DemoWorld.readOnlyToken, status: 403),
    ]

    @Test("the sandbox answers with the recording's keys and types", arguments: cases)
    func sameShape(_ contract: Case) async throws {
        let recorded = try JSONSerialization.jsonObject(with: try Fixtures.data("examples/\(contract.recording)"))
        try await withSandboxHTTP { sandbox in
            let response = try await sandbox.request(
                contract.method, contract.path, body: contract.body, authorization: "Token \(contract.token)")
            #expect(response.status == contract.status, "\(response.text.prefix(300))")
            let ours = try JSONSerialization.jsonObject(with: response.body)
            let differences = ShapeComparison(scope: contract.scope).differences(recorded: recorded, ours: ours)
            #expect(differences.isEmpty, "\(contract.recording): \(differences.joined(separator: "; "))")
        }
    }

    @Test("a job created from a job's own definition answers like the recorded job-create.json")
    func jobCreate() async throws {
        let recorded = try JSONSerialization.jsonObject(with: try Fixtures.data("examples/job-create.json"))
        try await withSandboxHTTP { sandbox in
            var definition = try #require(try await sandbox.get("/api/v2/accounts/43/jobs/43168/").data)
            definition["id"] = nil
            definition["name"] = "Contract job"
            let body = String(decoding: try JSONSerialization.data(withJSONObject: definition), as: UTF8.self)
            let response = try await sandbox.post("/api/v2/accounts/43/jobs/", body)
            #expect(response.status == 201, "\(response.text.prefix(300))")
            let ours = try JSONSerialization.jsonObject(with: response.body)
            let differences = ShapeComparison(scope: "").differences(recorded: recorded, ours: ours)
            #expect(differences.isEmpty, "job-create.json: \(differences.joined(separator: "; "))")
        }
    }

    /// The 2022 audit-log recording predates the current API: SPEC3's `PublicAuditLogResponse`
    /// (CONTRACT §4) names `id` (a string), `account_id`, `source`, `service`, `actor`,
    /// `event_type`, `event_label`, `event_context`, `created_at`, and the sandbox serves that.
    /// The client reads both shapes (DecodingTests).
    @Test("audit-log items have SPEC3's PublicAuditLogResponse keys")
    func auditLogFollowsSpec3() async throws {
        try await withSandboxHTTP { sandbox in
            let response = try await sandbox.get("/api/v3/accounts/43/audit-logs/")
            #expect(response.status == 200)
            let item = try #require(response.list.first)
            let keys: [(String, String)] = [
                ("id", "string"), ("account_id", "number"), ("source", "string"), ("service", "string"),
                ("actor", "object"), ("event_type", "string"), ("event_label", "string"),
                ("event_context", "object"), ("created_at", "string"),
            ]
            for (key, type) in keys {
                #expect(item[key].map(ShapeComparison.type) == type, "audit log `\(key)`: \(String(describing: item[key]))")
            }
        }
    }

    @Test("the comparison itself: a missing key and a changed type are found, null matches anything")
    func comparisonFindsDifferences() {
        let recorded: [String: Any] = ["a": 1, "b": ["c": "x", "d": [["e": true]]], "f": NSNull()]
        let ours: [String: Any] = ["a": "1", "b": ["d": [["e": 3]]], "f": "now a string"]
        let found = ShapeComparison(scope: "").differences(recorded: recorded, ours: ours)
        #expect(Set(found) == [".a: recorded number, sandbox string", "missing .b.c (string)", ".b.d[].e: recorded bool, sandbox number"])
    }
}

/// Keys and JSON types of a recorded response that the sandbox's answer lacks or changes.
struct ShapeComparison {
    let scope: String

    func differences(recorded: Any, ours: Any) -> [String] {
        var found: [String] = []
        compare(recorded, ours, path: "", into: &found)
        var seen: Set<String> = []
        return found.filter { seen.insert($0).inserted }
    }

    static func type(_ value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case let number as NSNumber where String(describing: Swift.type(of: number)).contains("Boolean"): "bool"
        case is NSNumber: "number"
        case is String: "string"
        case is [Any]: "array"
        default: "object"
        }
    }

    private func allowed(at path: String) -> Set<String>? {
        SandboxContractTests.adapterSpecific[path] ?? SandboxContractTests.adapterSpecific[scope + path]
    }

    private func compare(_ recorded: Any, _ ours: Any, path: String, into found: inout [String]) {
        switch (recorded, ours) {
        case (let recorded as [String: Any], let ours as [String: Any]):
            let wanted = allowed(at: path)
            for (key, value) in recorded.sorted(by: { $0.key < $1.key }) where wanted?.contains(key) ?? true {
                guard let mine = ours[key] else {
                    found.append("missing \(path).\(key) (\(Self.type(value)))")
                    continue
                }
                compare(value, mine, path: "\(path).\(key)", into: &found)
            }
        case (let recorded as [Any], let ours as [Any]):
            // The recording's first item against each of the sandbox's first items.
            guard let first = recorded.first else { return }
            for item in ours.prefix(3) { compare(first, item, path: path + "[]", into: &found) }
        default:
            let (a, b) = (Self.type(recorded), Self.type(ours))
            if a != b, a != "null", b != "null" { found.append("\(path): recorded \(a), sandbox \(b)") }
        }
    }
}
