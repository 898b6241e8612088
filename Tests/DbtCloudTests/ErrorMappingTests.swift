import Foundation
import Testing
@testable import DbtCloud
import TestSupport

@Suite struct ErrorMappingTests {
    func mapped(_ status: Int, _ file: String, method: String = "GET", path: String = "/api/v2/accounts/43/jobs/9/",
        host: String = "ab123.us1.dbt.com") throws -> DbtCloudError
    {
        ErrorMapping.error(
            method: method, path: path, status: status, body: try Fixtures.data("examples/\(file)"),
            host: try DbtHost.parse(host), attempts: 1)
    }

    @Test func notFoundUsesTheAPIsMessageOnOneLine() throws {
        let body = Data(#"{"status":{"code":404,"is_success":false,"user_message":"The requested resource was not found.","developer_message":""},"data":null}"#.utf8)
        let error = ErrorMapping.error(method: "GET", path: "/api/v2/accounts/43/jobs/9/", status: 404, body: body, host: nil, attempts: 1)
        #expect(error.description == "GET /api/v2/accounts/43/jobs/9/: 404 The requested resource was not found.")
        #expect(error.kind == .notFound)
    }

    @Test func invalidTokenIsAuthentication() throws {
        let error = try mapped(401, "error-401-invalid-token.json")
        #expect(error.kind == .authentication)
        #expect(error.description.hasPrefix("GET /api/v2/accounts/43/jobs/9/: 401 Invalid token."))
        #expect(!error.description.contains("\n"))
    }

    @Test func invalidTokenOnTheLegacyHostHintsAtCellHosts() throws {
        let error = try mapped(401, "error-401-invalid-token.json", host: "cloud.getdbt.com")
        #expect(error.description.contains("cell host"))
        let onCell = try mapped(401, "error-401-invalid-token.json", host: "ab123.us1.dbt.com")
        #expect(!onCell.description.contains("cell host"))
    }

    @Test func forbiddenIsPermission() throws {
        let error = try mapped(403, "error-403-forbidden.json")
        #expect(error.kind == .permission)
        #expect(error.description.contains("403 Forbidden: You do not have permission"))
    }

    @Test func validationErrorsListTheFields() throws {
        let error = try mapped(400, "error-400-validation-job-create.PARTIAL.json", method: "POST", path: "/api/v2/accounts/43/jobs/")
        #expect(error.kind == .rejected)
        #expect(error.fieldErrors["state"] == "required key not provided")
        #expect(error.fieldErrors["_model"] == nil)
        #expect(error.description == "POST /api/v2/accounts/43/jobs/: 400 The request was invalid. Please double check the provided data and try again. (id: required key not provided; schedule: required key not provided; state: required key not provided; triggers: required key not provided)")
    }

    @Test func htmlBadGatewayBecomesOneShortLine() {
        let html = """
            <html>
            <head><title>502 Bad Gateway</title></head>
            <body>
            <center><h1>502 Bad Gateway</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>
            """
        let error = ErrorMapping.error(method: "GET", path: "/api/v2/accounts/43/runs/", status: 502, body: Data(html.utf8), host: nil, attempts: 4)
        #expect(error.kind == .server)
        #expect(error.description == "GET /api/v2/accounts/43/runs/: 502 502 Bad Gateway 502 Bad Gateway nginx (after 4 attempts)")
        #expect(!error.description.contains("<"))
    }

    @Test func djangoDetailBodies() {
        let body = Data(#"{"detail": "Method \"GET\" not allowed."}"#.utf8)
        let error = ErrorMapping.error(method: "GET", path: "/x/", status: 405, body: body, host: nil, attempts: 1)
        #expect(error.description == #"GET /x/: 405 Method "GET" not allowed."#)
        #expect(error.kind == .rejected)
    }

    @Test func tooManyRequestsIsThrottledNotRefused() {
        let error = ErrorMapping.error(method: "GET", path: "/x/", status: 429, body: Data(), host: nil, attempts: 4)
        #expect(error.kind == .throttled)
        #expect(error.description == "GET /x/: 429 Too Many Requests (after 4 attempts)")
    }

    @Test func emptyBodiesFallBackToTheReasonPhrase() {
        let error = ErrorMapping.error(method: "DELETE", path: "/x/", status: 503, body: Data(), host: nil, attempts: 1)
        #expect(error.description == "DELETE /x/: 503 Service Unavailable")
    }

    @Test func artifactPathsAreValidated() throws {
        #expect(try ArtifactPath.validate("run_results.json") == "run_results.json")
        #expect(try ArtifactPath.validate("compiled/lumen_shop/models/a b.sql") == "compiled/lumen_shop/models/a b.sql")
        for bad in ["", "/etc/passwd", "../secrets", "compiled/../../x", "a//b", "~/x", "a\\b", "./x"] {
            #expect(throws: DbtCloudError.self, "\(bad)") { try ArtifactPath.validate(bad) }
        }
    }

    @Test func queryEncodingOfIncludeRelatedAndStatuses() {
        let filter = RunFilter(jobID: 43167, statuses: [.success, .error], include: [.trigger, .job])
        #expect(QueryEncoding.encode(filter.queryItems)
            == "job_definition_id=43167&status__in=%5B10%2C20%5D&order_by=-id&include_related=%5B%22trigger%22%2C%22job%22%5D")
        #expect(QueryEncoding.jsonList(["run_steps", "debug_logs"]) == #"["run_steps","debug_logs"]"#)
        #expect(QueryEncoding.encode(RunFilter(statuses: [.error]).queryItems) == "status=20&order_by=-id")
    }

    @Test func triggerBodyMatchesTheDocumentedExample() throws {
        let request = TriggerRunRequest(
            cause: "Kicked off from Airflow", gitBranch: "staging", schemaOverride: "dbt_cloud_pr_123",
            dbtVersionOverride: "0.18.0", threadsOverride: 8, targetNameOverride: "staging", generateDocsOverride: true,
            timeoutSecondsOverride: 3000, stepsOverride: ["dbt seed", "dbt run --fail-fast", "dbt test --fail-fast"])
        #expect(request.json == (try Fixtures.json("examples/trigger-run-request.json")))
    }

    @Test func retryBackoffIsCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500), jitter: false)
        #expect((1...5).map { policy.backoff(afterFailedAttempt: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500), .milliseconds(500)])
        let jittered = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: true)
        for _ in 0..<50 {
            let delay = jittered.backoff(afterFailedAttempt: 2)
            #expect(delay >= .milliseconds(100) && delay <= .milliseconds(200))
        }
        #expect(policy.delay(afterFailedAttempt: 1, retryAfter: .seconds(120)) == policy.maxRetryAfter)
        #expect(Transport.parseRetryAfter("3") == .seconds(3))
        #expect(Transport.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
    }
}
