import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// `show environment` without a project in context, and the artifacts of one step (issue 15.3).
@Suite("Environments and steps looked up right", .sandbox())
struct LookupBugTests {
    @Test func showEnvironmentWithoutAProjectUsesTheEnvironmentsOwnProject() async throws {
        try await withShell { shell, fixture in
            let before = shell.requests(method: "GET", pathContains: "/projects/0/").count
            let shown = await shell.run("show environment 202")
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.stdout.contains("Production"), "\(shown)")
            let json = await shell.run("show environment 211 --json")
            #expect(json.json?["project_id"]?.intValue == 101, "\(json)")
            #expect(shell.requests(method: "GET", pathContains: "/projects/0/").count == before, "no request for a project 0")
            let inOtherProject = await shell.run("use project analytics; show environment 211")
            #expect(inOtherProject.status == 0, "an environment of another project than the context's: \(inOtherProject)")
            var environmentOnly = ShellContext()
            environmentOnly.account = .init(id: DemoWorld.accountID)
            environmentOnly.environment = .init(id: 211)
            let fromContext = await fixture.shell(context: environmentOnly).run("show environment --json")
            #expect(fromContext.json?["id"]?.intValue == 211, "the context's environment, no project: \(fromContext)")
            let missing = await shell.run("show environment 5102")
            #expect(missing.status == 3, "\(missing)")
            #expect(missing.stderr.contains("no environment with id 5102"), "\(missing)")
        }
    }

    @Test func useEnvironmentByIDMovesToItsProject() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use project analytics; use environment 211")
            #expect(result.status == 0, "\(result)")
            #expect(shell.context.project?.id == 101)
            #expect(shell.context.environment?.name == "Production")
        }
    }

    @Test func aStepThatDoesNotExistIsAnError() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use run 902; artifacts --step 4")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("run 902 has no step 4 (it has steps 1–3; see 'steps')"), "\(result)")
            #expect(result.stdout.isEmpty)
            let step = await shell.run("artifacts --step 1")
            #expect(step.stdoutLines == ["sources.json"], "\(step)")
            let setup = await shell.run("use run 963; artifacts --step 3")
            #expect(setup.status == 0, "\(setup)")
            #expect(setup.stdout.isEmpty, "clone, profile and dbt deps leave no artifacts: \(setup)")
            #expect(setup.stderr.contains("run 963 has no artifacts at step 3"), "\(setup)")
            let run = await shell.run("artifacts --step 4")
            #expect(run.stdoutLines.contains("run_results.json"), "\(run)")
        }
    }

    @Test("a server that lists the last step's artifacts for any ?step= does not put a later step's files in an earlier one")
    func aServerIgnoringTheStepOfTheList() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            let everything = #"{"status":{"code":200,"is_success":true},"data":["catalog.json","manifest.json","run_results.json","sources.json"]}"#
            fixture.server.faults.add(FaultRule(.respond(status: 200, json: everything), method: "GET", pathContains: "/runs/902/artifacts/"))
            let shell = fixture.shell()
            let freshness = await shell.run("use run 902; artifacts --step 1")
            #expect(freshness.status == 0, "\(freshness)")
            #expect(!freshness.stdoutLines.contains("catalog.json"), "docs generate is step 3: \(freshness)")
            #expect(freshness.stdoutLines.contains("sources.json"))
            let build = await shell.run("artifacts --step 2")
            #expect(!build.stdoutLines.contains("catalog.json"), "\(build)")
            #expect(build.stdoutLines.contains("run_results.json"), "\(build)")
            let docs = await shell.run("artifacts --step 3 --json")
            #expect(docs.json?.arrayValue?.count == 4, "the last step has them all: \(docs)")
        }
    }
}
