import Foundation
import Testing

/// `dbtsh --demo` as a script runner: the built binary, its in-process sandbox, stdin scripts.
@Suite("dbtsh --demo scripts")
struct DemoScriptTests {
    static let fast = ["DBTSH_DEMO_STEP_SECONDS": "0.05"]

    private func demo(_ script: String) async throws -> SpawnedResult {
        let home = try ScratchHome.make()
        defer { home.remove() }
        return try await SpawnedDbtsh.run(["--demo"], script: script, home: home, token: nil, environment: Self.fast)
    }

    @Test func theFailingJobExitsOneAndPrintsTheFinalRun() async throws {
        let result = try await demo("use job 43167\nrun --wait\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdoutLines.count == 2, "\(result)")
        #expect(result.stdout.contains("43167  error"), "\(result)")
        #expect(result.stderr.contains("ended in error at step 2"), "\(result)")
    }

    @Test func dbtshOutputSetsTheDefaultFormat() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let result = try await SpawnedDbtsh.run(["--demo", "--output", "csv"], script: "projects\nprojects --output tsv\n",
                                                home: home, token: nil, environment: Self.fast)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "id,name,description\r\n100,analytics,The lumen_shop dbt project\r\n101,marketing,Campaign and attribution models\r\n"
            + "id\tname\tdescription\n100\tanalytics\tThe lumen_shop dbt project\n101\tmarketing\tCampaign and attribution models\n", "\(result)")
        let bad = try await SpawnedDbtsh.run(["--demo", "--output", "yaml"], script: "", home: home, token: nil, environment: Self.fast)
        #expect(bad.status != 0 && bad.stderr.contains("yaml"), "\(bad)")
    }

    @Test func theSucceedingJobExitsZero() async throws {
        let result = try await demo("use job 43168\nrun --wait\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("43168  success"), "\(result)")
    }

    @Test func errexitOffCarriesOnAfterTheFailedRun() async throws {
        let result = try await demo("set errexit off\nuse job Nightly build\nrun --wait\ncontext\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("job: 43167 (Nightly build)"), "\(result)")
        #expect(result.stdout.contains("run: "), "\(result)")
    }

    @Test func helpThenAnUnknownVerbExitsTwoWithTheErrorOnStderr() async throws {
        let result = try await demo("help\nbogus\nhelp\n")
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("artifacts get"), "\(result)")
        #expect(result.stdout.components(separatedBy: "Ctrl-C stops a command").count == 2, "the script must stop at bogus: \(result)")
        #expect(result.stderrLines == ["error: unknown command 'bogus'; type 'help' for the list"], "\(result)")
    }

    @Test func theFailedRunsArtifactsComeFromTheBuildStepByDefault() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let result = try await SpawnedDbtsh.run(
            ["--demo"], script: "use job 43167\nuse run latest\nartifacts get run_results.json\nartifacts get run_results.json --step 3 -o docs.json\n",
            home: home, token: nil, environment: Self.fast)
        #expect(result.status == 0, "\(result)")
        let build = try String(contentsOf: home.work.appendingPathComponent("run_results.json"), encoding: .utf8)
        let docs = try String(contentsOf: home.work.appendingPathComponent("docs.json"), encoding: .utf8)
        #expect(build.contains("\"status\": \"error\"") || build.contains("\"status\":\"error\""))
        #expect(build.contains("\"which\": \"build\"") || build.contains("\"which\":\"build\""))
        #expect(!docs.contains("\"status\": \"error\"") && !docs.contains("\"status\":\"error\""))
        #expect(docs.contains("\"which\": \"generate\"") || docs.contains("\"which\":\"generate\""))
    }
}
