import Foundation
import Sandbox
import Shell
import Testing

/// TAB on a big or slow account (issue 15.5): artifact paths a folder at a time, and a
/// message while a listing loads or after it failed.
@Suite("Completion feedback")
struct CompletionFeedbackTests {
    /// 154 paths, as a real run lists them: four JSON files and the compiled and run SQL of 75 nodes.
    static let manyArtifacts: [String] = {
        var paths = ["catalog.json", "manifest.json", "run_results.json", "sources.json"]
        for folder in ["compiled", "run"] {
            for index in 1...75 {
                let area = ["staging", "marts/core", "marts/finance"][index % 3]
                paths.append("\(folder)/lumen_shop/models/\(area)/model_\(index).sql")
            }
        }
        return paths
    }()

    static func envelope(_ paths: [String]) -> String {
        let items = paths.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"status":{"code":200,"is_success":true},"data":[\#(items)]}"#
    }

    private func complete(_ shell: ShellHarness, _ text: String) async throws -> CompletionResult {
        var result = await shell.complete(text)
        for _ in 0..<300 where result.items.isEmpty {  // the listing arriving is the event (up to 30 s on a loaded machine)
            try await Task.sleep(for: .milliseconds(100))
            result = await shell.complete(text)
        }
        return result
    }

    @Test func artifactPathsCompleteOneFolderAtATime() async throws {
        #expect(Self.manyArtifacts.count == 154)
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            fixture.server.faults.add(FaultRule(.respond(status: 200, json: Self.envelope(Self.manyArtifacts)),
                                                method: "GET", pathContains: "/runs/902/artifacts/"))
            let shell = fixture.shell()
            #expect(await shell.run("use run 902").status == 0)
            let top = try await complete(shell, "artifacts get ")
            #expect(top.items.map(\.replacement) == ["catalog.json", "manifest.json", "run_results.json", "sources.json", "compiled/", "run/"],
                    "\(top.items.map(\.replacement))")
            #expect(top.items.first { $0.replacement == "compiled/" }?.appendsSpace == false, "a folder is not the end of the word")
            #expect(top.items.first { $0.replacement == "manifest.json" }?.appendsSpace == true)
            #expect(await shell.complete("artifacts get comp").items.map(\.replacement) == ["compiled/"])
            let models = await shell.complete("artifacts get compiled/lumen_shop/models/")
            #expect(models.items.map(\.replacement) == ["compiled/lumen_shop/models/marts/", "compiled/lumen_shop/models/staging/"])
            #expect(models.items.map(\.display) == ["marts/", "staging/"], "the list shows names within the folder")
            let files = await shell.complete("artifacts get run/lumen_shop/models/staging/model_3")
            #expect(files.items.map(\.replacement).allSatisfy { $0.hasPrefix("run/lumen_shop/models/staging/model_3") && $0.hasSuffix(".sql") })
            let expected = Self.manyArtifacts.filter { $0.hasPrefix("run/lumen_shop/models/staging/model_3") }
            #expect(files.items.map(\.replacement) == expected, "\(files.items.map(\.replacement))")
        }
    }

    @Test func aSlowListingSaysItIsLoading() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            fixture.server.faults.add(FaultRule(.slow(seconds: 3), times: 1, method: "GET", pathContains: "/jobs/"))
            let shell = fixture.shell()
            let first = await shell.complete("use job ")
            #expect(first.items.isEmpty, "the first page takes 3 s")
            #expect(first.message?.hasPrefix("loading jobs from dbt Cloud…") == true, "\(first)")
            let later = try await complete(shell, "use job ")
            #expect(later.items.map(\.replacement).contains("43167"), "\(later)")
            #expect(later.message == nil)
        }
    }

    @Test func aListingThatFailsSaysWhy() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            fixture.server.faults.add(FaultRule(.respond(status: 404, json: #"{"status":{"code":404,"is_success":false,"user_message":"Not here."}}"#),
                                                method: "GET", pathContains: "/runs/"))
            let shell = fixture.shell()
            var result = await shell.complete("use run ")
            for _ in 0..<300 where result.message?.hasPrefix("cannot list") != true {  // the failure arriving is the event
                try await Task.sleep(for: .milliseconds(100))
                result = await shell.complete("use run ")
            }
            #expect(result.items.isEmpty)
            #expect(result.message?.hasPrefix("cannot list runs: GET /api/v2/accounts/43/runs/") == true, "\(result)")
            #expect(result.message?.contains("Not here.") == true, "\(result)")
        }
    }
}
