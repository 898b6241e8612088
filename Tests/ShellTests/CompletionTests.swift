import Foundation
import Sandbox
import Shell
import Testing

/// Tab completion (SHELL.md §3): verbs, subverbs, flags, static choices and live ids.
@Suite("Completion", .sandbox())
struct CompletionTests {
    /// Live listings load in the background: a first TAB may come back before they arrive
    /// (by design it waits only briefly), the next one finds them. Press TAB until items show
    /// (for up to 30 s: the listing arriving is the event; a loaded machine only delays it).
    func completeLive(_ shell: ShellHarness, _ text: String, tries: Int = 300) async throws -> CompletionResult {
        var result = await shell.complete(text)
        var attempt = 1
        while result.items.isEmpty, attempt < tries {
            try await Task.sleep(for: .milliseconds(100))
            result = await shell.complete(text)
            attempt += 1
        }
        return result
    }

    @Test func verbs() async throws {
        try await withShell { shell, _ in
            #expect(await shell.complete("he").items.map(\.replacement) == ["help"])
            #expect(await shell.complete("he").word == "he")
            let all = await shell.complete("").items.map(\.replacement)
            for verb in ["use", "unuse", "context", "jobs", "runs", "run", "wait", "set", "help", "exit"] {
                #expect(all.contains(verb), "'' offers \(verb)")
            }
            #expect(await shell.complete("ru").items.map(\.replacement).sorted() == ["run", "runs"])
            #expect(await shell.complete("zzz").items.isEmpty)
            // After `;` a new command starts.
            #expect(await shell.complete("context; he").items.map(\.replacement) == ["help"])
            #expect(await shell.complete("help ru").items.map(\.replacement).sorted() == ["run", "runs"])
        }
    }

    @Test func settingsKeysAndValues() async throws {
        try await withShell { shell, _ in
            #expect(await shell.complete("set output ").items.map(\.replacement) == ["table", "json", "jsonl", "csv", "tsv", "markdown"])
            #expect(await shell.complete("set output j").items.map(\.replacement) == ["json", "jsonl"])
            #expect(await shell.complete("set errexit ").items.map(\.replacement) == ["on", "off"])
            #expect(await shell.complete("set ").items.map(\.replacement) == ["output", "color", "interval", "errexit", "pager", "readonly"])
            #expect(await shell.complete("set re").items.map(\.replacement) == ["readonly"])
        }
    }

    @Test func flagsAndFlagValues() async throws {
        try await withShell { shell, _ in
            #expect(await shell.complete("runs --status ").items.map(\.replacement)
                    == ["queued", "starting", "running", "success", "error", "cancelled"])
            #expect(await shell.complete("runs --status er").items.map(\.replacement) == ["error"])
            #expect(await shell.complete("jobs --na").items.map(\.replacement) == ["--name"])
            let runFlags = await shell.complete("run --").items.map(\.replacement)
            #expect(runFlags.contains("--wait") && runFlags.contains("--git-branch") && runFlags.contains("--help"))
            #expect(await shell.complete("context --output ").items.map(\.replacement) == ["table", "json", "jsonl", "csv", "tsv", "markdown"])
        }
    }

    @Test func contextLevels() async throws {
        try await withShell { shell, _ in
            #expect(await shell.complete("use ").items.map(\.replacement) == ["account", "project", "environment", "job", "run"])
            #expect(await shell.complete("use j").items.map(\.replacement) == ["job"])
            #expect(await shell.complete("unuse p").items.map(\.replacement) == ["project"])
        }
    }

    @Test func useJobListsTheDemoJobsWithNames() async throws {
        try await withShell { shell, _ in
            let result = try await completeLive(shell, "use job ")
            #expect(result.items.count == 141, "every job of the account: \(result.items.count)")
            let nightly = result.items.first { $0.replacement == "43167" }
            #expect(nightly?.display == "43167  Nightly build")
            #expect(result.items.contains { $0.replacement == "43168" && $0.display.contains("Hourly refresh") })
        }
    }

    @Test func useJobByNamePrefixCompletesToTheID() async throws {
        try await withShell { shell, _ in
            let result = try await completeLive(shell, "use job Nigh")
            #expect(result.items.map(\.replacement) == ["43167"], "\(result)")
            #expect(result.word == "Nigh")
            let lower = await shell.complete("use job nigh")
            #expect(lower.items.map(\.replacement) == ["43167"], "names match in any case")
            let byID = await shell.complete("use job 4316")
            #expect(byID.items.map(\.replacement).sorted() == ["43167", "43168"])
            let quoted = await shell.complete("use job 'Hourly r")
            #expect(quoted.items.map(\.replacement) == ["43168"], "\(quoted)")
            #expect(quoted.word == "'Hourly r")
        }
    }

    @Test func useJobWithAProjectListsThatProjectsJobs() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use project marketing")
            let result = try await completeLive(shell, "use job ")
            #expect(!result.items.isEmpty)
            #expect(!result.items.contains { $0.replacement == "43167" }, "43167 is in project 100")
            #expect(result.items.allSatisfy { $0.display.contains("Marketing sync") || $0.display.contains("Attribution refresh") })
        }
    }

    @Test func useProjectAndRun() async throws {
        try await withShell { shell, _ in
            let projects = try await completeLive(shell, "use project ")
            #expect(projects.items.map(\.display) == ["100  analytics", "101  marketing"])
            _ = await shell.run("use job 43167")
            let runs = try await completeLive(shell, "use run ")
            #expect(runs.items.map(\.replacement) == ["902", "901", "900"], "\(runs)")
            #expect(runs.items.first?.display.contains("error") == true)
        }
    }

    @Test func jobsProjectFlagCompletesProjects() async throws {
        try await withShell { shell, _ in
            let result = try await completeLive(shell, "jobs --project m")
            #expect(result.items.map(\.replacement) == ["101"], "\(result)")
        }
    }

    @Test func stepsArtifactsAndNodesOfTheContextRun() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use run 902")
            let steps = try await completeLive(shell, "logs ")
            #expect(steps.items.map(\.replacement) == ["1", "2", "3"], "\(steps)")
            #expect(steps.items.count == 3 && steps.items[1].display.contains("dbt build"), "\(steps)")
            let artifacts = try await completeLive(shell, "artifacts get ")
            #expect(artifacts.items.map(\.replacement).contains("run_results.json"), "\(artifacts)")
            let manifest = try await completeLive(shell, "artifacts get man")
            #expect(manifest.items.map(\.replacement) == ["manifest.json"], "\(manifest)")
            let nodes = try await completeLive(shell, "sql stg_ord", tries: 50)
            #expect(nodes.items.map(\.replacement).contains("stg_orders"), "\(nodes)")
            let failed = try await completeLive(shell, "sql int_customer_order")
            #expect(failed.items.first?.display.contains("error") == true, "node status shows: \(failed)")
        }
    }

    @Test func subverbs() async throws {
        try await withShell { shell, _ in
            let artifacts = await shell.complete("artifacts ").items.map(\.replacement)
            #expect(artifacts == ["get"], "\(artifacts)")
            let catalog = await shell.complete("catalog ").items.map(\.replacement)
            #expect(Set(catalog) == ["browse", "show", "search"], "\(catalog)")
            let job = await shell.complete("job ").items.map(\.replacement)
            #expect(Set(job).isSuperset(of: ["export", "import"]), "\(job)")
        }
    }

    @Test func runArgumentsCompleteRunsOfTheJob() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use job 43168")
            for line in ["wait ", "cancel ", "diff ", "steps ", "retry "] {
                let result = try await completeLive(shell, line)
                #expect(result.items.map(\.replacement) == ["913", "912", "911", "910"], "\(line): \(result)")
            }
            let cancelled = await shell.complete("wait 912")
            #expect(cancelled.items.first?.display.contains("cancelled") == true, "\(cancelled)")
        }
    }

    @Test func catalogBrowseCompletesTheCurrentLevel() async throws {
        try await withShell { shell, _ in
            let entered = await shell.run("use run 902\ncatalog browse")
            #expect(entered.status == 0, "\(entered)")
            #expect(await shell.complete("").items.map(\.replacement).contains("nodes/"), "a level completes like a folder")
            #expect(await shell.complete("so").items.map(\.replacement) == ["sources/"])
            _ = await shell.run("nodes")
            #expect(Set(await shell.complete("").items.map(\.replacement)).isSuperset(of: ["warehouse/", "analytics/", "ls", "exit"]))
            _ = await shell.run("warehouse\nstaging")
            let models = await shell.complete("stg_o").items.map(\.replacement)
            #expect(models == ["stg_orders"], "\(models)")
            #expect(await shell.complete("show stg_p").items.map(\.replacement).sorted() == ["stg_payments", "stg_products"])
            _ = await shell.run("exit")
            #expect(await shell.complete("he").items.map(\.replacement) == ["help"], "back to the shell's verbs")
        }
    }

    @Test func secondWordOfAnUnquotedName() async throws {
        try await withShell { shell, _ in
            _ = try await completeLive(shell, "use job ")
            // `use job Hourly re<TAB>`: the words after the level are one name (use accepts them unquoted).
            let result = await shell.complete("use job Hourly re")
            #expect(result.items.map(\.replacement) == ["43168"], "offers jobs whose names contain 're': \(result.items.prefix(5).map(\.display))")
            #expect(result.word == "Hourly re", "the whole typed name is replaced: \(result.word)")
        }
    }

    @Test func nothingAfterTheLastArgument() async throws {
        try await withShell { shell, _ in
            #expect(await shell.complete("context ").items.isEmpty)
            #expect(await shell.complete("nosuchverb ").items.isEmpty)
        }
    }
}
