import Foundation
import Testing
@testable import DbtCloud

@Suite("Decoding the recorded API responses")
struct DecodingTests {
    /// Which typed model each recorded response's `data` must decode as.
    static let modelOfFile: [String: String] = [
        "account_get_response.json": "Account", "account_list_response.json": "[Account]",
        "list-accounts.json": "[Account]",
        "audit_log_get_response.json": "[AuditLog]", "list-audit-logs-2022.json": "[AuditLog]",
        "connection_create_response.json": "Connection", "connection_delete_response.json": "Connection",
        "connection_get_response.json": "Connection", "connection_list_response.json": "[Connection]",
        "environment_create_response.json": "Environment", "environment_delete_response.json": "Environment",
        "environment_get_response.json": "Environment", "environment_list_response.json": "[Environment]",
        "list-environments-paginated.json": "[Environment]",
        "job_create_response.json": "Job", "job_delete_response.json": "Job", "job_get_response.json": "Job",
        "job_list_response.json": "[Job]", "job-create.json": "Job", "job-delete.json": "Job", "job-get.json": "Job",
        "job-list-2021-no-extra.json": "[Job]",
        "job_run_response.json": "Run", "run_cancel_response.json": "Run", "run_get_response.json": "Run",
        "run_list_response.json": "[Run]", "run-cancel.json": "Run", "run-get-queued-with-trigger-and-job-2024.json": "Run",
        "run-get-success-2.json": "Run", "run-get-success.json": "Run", "run-get-with-run-steps.INFERRED.json": "Run",
        "project_create_response.json": "Project", "project_delete_response.json": "Project",
        "project_get_response.json": "Project", "project_update_response.json": "Project",
        "project_list_response.json": "[Project]", "list-projects.json": "[Project]",
        "run_list_artifacts_response.json": "[String]", "run-artifacts-list.json": "[String]",
    ]

    static func decode(_ model: String, _ data: JSONValue) throws -> [JSONValue] {
        func one<T: Decodable>(_ type: T.Type, _ raw: (T) -> JSONValue) throws -> [JSONValue] { [raw(try data.decode(T.self))] }
        func many<T: Decodable>(_ type: T.Type, _ raw: (T) -> JSONValue) throws -> [JSONValue] {
            try data.decode([T].self).map(raw)
        }
        switch model {
        case "Account": return try one(Account.self, \.raw)
        case "[Account]": return try many(Account.self, \.raw)
        case "[AuditLog]": return try many(AuditLog.self, \.raw)
        case "Connection": return try one(Connection.self, \.raw)
        case "[Connection]": return try many(Connection.self, \.raw)
        case "Environment": return try one(Environment.self, \.raw)
        case "[Environment]": return try many(Environment.self, \.raw)
        case "Job": return try one(Job.self, \.raw)
        case "[Job]": return try many(Job.self, \.raw)
        case "Run": return try one(Run.self, \.raw)
        case "[Run]": return try many(Run.self, \.raw)
        case "Project": return try one(Project.self, \.raw)
        case "[Project]": return try many(Project.self, \.raw)
        case "[String]": return try data.decode([String].self).map(JSONValue.string)
        default: throw DbtCloudError(kind: .invalidArgument, message: "no model \(model)")
        }
    }

    @Test("every recorded response parses, prints stably, and its data decodes as its model with raw kept")
    func everyFileDecodes() throws {
        let files = try Fixtures.allJSONFiles()
        #expect(files.count >= 50)
        var typed = 0
        for file in files {
            let json = try Fixtures.json(file)
            // The pretty printer is stable and lossless.
            let pretty = json.prettyText
            #expect(try JSONValue(parsing: pretty) == json, "\(file) does not round-trip")
            #expect(try JSONValue(parsing: pretty).prettyText == pretty)
            let name = String(file.split(separator: "/").last!)
            guard let model = Self.modelOfFile[name] else { continue }
            let raws = try Self.decode(model, json["data"]!)
            if case .array(let items) = json["data"]! {
                #expect(raws == items, "\(file): raw differs from the API's objects")
            } else {
                #expect(raws == [json["data"]!], "\(file): raw differs from the API's object")
            }
            typed += 1
        }
        #expect(typed == Self.modelOfFile.count)
    }

    @Test func successfulRunFieldsAndTimestamps() throws {
        let run = try Fixtures.decodeData(Run.self, "examples/run-get-success.json")
        #expect(run.id == 36053848)
        #expect(run.jobID == 43167)
        #expect(run.status == .success)
        #expect(run.isFinished)
        #expect(run.statusMessage == nil)
        #expect(run.duration == 110)
        #expect(run.queuedDuration == 97)
        #expect(run.runDuration == 12)
        // "2021-12-07 10:34:01.982824+00:00"
        let started = try #require(run.startedAt)
        #expect(abs(started.timeIntervalSince1970 - 1_638_873_241.982824) < 0.000_01)
        #expect(run.steps.isEmpty)
        #expect(run.trigger == nil)
    }

    @Test func queuedRunWithTriggerAndEmbeddedJob() throws {
        let run = try Fixtures.decodeData(Run.self, "examples/run-get-queued-with-trigger-and-job-2024.json")
        #expect(run.status == .queued)
        #expect(run.status?.isTerminal == false)
        #expect(run.isFinished == false)
        #expect(run.trigger?.cause != nil)
        // The embedded job's schedule uses strings for date/time; it still decodes.
        let job = try #require(run.job)
        #expect(job.id == run.jobID)
        #expect(job.scheduleCron != nil)
    }

    @Test func cancelledRun() throws {
        let run = try Fixtures.decodeData(Run.self, "examples/run-cancel.json")
        #expect(run.status == .cancelled)
        #expect(run.statusMessage == "Cancelled by user.")
        #expect(run.isCancelled == true)
    }

    @Test func runWithStepsInIndexOrder() throws {
        let run = try Fixtures.decodeData(Run.self, "examples/run-get-with-run-steps.INFERRED.json")
        #expect(!run.steps.isEmpty)
        #expect(run.steps.map(\.index) == run.steps.indices.map { Optional($0 + 1) })
        #expect(run.steps.allSatisfy { $0.status != nil && $0.name != nil })
    }

    @Test func jobFields() throws {
        let job = try Fixtures.decodeData(Job.self, "examples/job-get.json")
        #expect(job.id == 43167)
        #expect(job.name == "Do nothing!")
        #expect(job.executeSteps == ["dbt run -s not_a_model"])
        #expect(job.threads == 4)
        #expect(job.targetName == "default")
        #expect(job.scheduleCron == "0 * * * *")
        #expect(job.isScheduled == false)
        #expect(job.cronHumanized == "Every hour")
        #expect(job.createdAt != nil)
        let deleted = try Fixtures.decodeData(Job.self, "examples/job-delete.json")
        #expect(deleted.state == 2)
    }

    @Test func auditLogOf2022UsesRoutingKeyAndLoggedAt() throws {
        let logs = try Fixtures.decodeData([AuditLog].self, "examples/list-audit-logs-2022.json")
        #expect(logs.count == 4)
        #expect(logs[0].id == "1809583")
        #expect(logs[0].eventType == "v1.events.auth.credentialsloginsucceeded")
        // "2022-05-05 06:51:10+00:00": no fraction.
        #expect(logs[0].loggedAt == Date(timeIntervalSince1970: 1_651_733_470))
    }

    @Test func environmentsAndProjects() throws {
        let environments = try Fixtures.decodeData([Environment].self, "examples/list-environments-paginated.json")
        #expect(environments.first?.id == 49818)
        let project = try Fixtures.decodeData(Project.self, "dbt-cloud-cli-fixtures/project_get_response.json")
        #expect(project.name == "jaffle_shop")
    }

    @Test func modelWithoutIDIsRejectedButOddFieldsAreTolerated() throws {
        #expect(throws: DecodingError.self) { try (["name": "x"] as JSONValue).decode(Job.self) }
        let odd: JSONValue = ["id": "77", "name": 5, "state": "1", "created_at": "not a date", "surprise": ["a": 1]]
        let job = try odd.decode(Job.self)
        #expect(job.id == 77)
        #expect(job.name == "5")
        #expect(job.state == 1)
        #expect(job.createdAt == nil)
        #expect(job.raw == odd)
    }

    @Test func webhookIDsAreStrings() throws {
        let hook = try (["id": "wsu_12345", "name": "n", "job_ids": [1, 2], "active": true] as JSONValue).decode(Webhook.self)
        #expect(hook.id == "wsu_12345")
        #expect(hook.jobIDs == [1, 2])
    }
}
