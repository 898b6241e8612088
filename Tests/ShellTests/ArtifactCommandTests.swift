import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// steps, logs, artifacts, failures, sql, diff, catalog (SHELL.md §4) on the seeded runs:
/// 902 failed (step 2 `dbt build`), 901 succeeded.
@Suite("Run debugging: steps, logs, artifacts, failures, sql, diff, catalog", .sandbox())
struct ArtifactCommandTests {
    @Test func stepsOfTheFailedRun() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("steps 902")
            #expect(result.status == 0, "\(result)")
            let rows = result.stdout.tableRows
            #expect(rows.count == 3, "\(result)")
            #expect(rows.count == 3 && rows[0].contains("success") && rows[0].contains("dbt source freshness"), "\(result)")
            #expect(rows.count == 3 && rows[1].contains("✗ error") && rows[1].contains("dbt build"), "\(result)")
            #expect(rows.count == 3 && rows[2].contains("success") && rows[2].contains("dbt docs generate"), "\(result)")
            #expect(result.stdout.firstColumn == ["1", "2", "3"])
            #expect(result.stderrLines == ["step 2 failed; next: 'explain', 'logs --failed', 'failures'"], "\(result)")
            let json = await shell.run("use run 902; steps --json")
            #expect(json.json?.arrayValue?.count == 3, "\(json)")
            let ok = await shell.run("steps 901")
            #expect(ok.stderr.isEmpty, "no failure line for a green run: \(ok)")
        }
    }

    @Test func logsOfTheFailingStep() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use run 902; logs --failed")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderrLines.first?.hasPrefix("step 2: ") == true, "\(result)")
            #expect(result.stdout.contains("int_customer_order_history"), "the build log names the failed model: \(result.stdout.prefix(400))")
            let byDefault = await shell.run("logs")
            #expect(byDefault.stdout == result.stdout, "logs without a step shows the failing one")
            let tail = await shell.run("logs 1 --tail 3")
            #expect(tail.status == 0)
            #expect(tail.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().count <= 3, "\(tail)")
            #expect(tail.stderr.hasPrefix("step 1: "), "\(tail)")
            let other = await shell.run("logs --run 901 --tail 1")
            #expect(other.status == 0, "\(other)")
            #expect(other.stderr.hasPrefix("step 3: "), "the last step of a green run: \(other)")
        }
    }

    @Test func logsTailCountsRealLines() async throws {
        try await withShell { shell, _ in
            let full = await shell.run("use run 902; logs 2")
            let lastLine = full.stdout.split(separator: "\n").last.map(String.init)
            let tail = await shell.run("logs 2 --tail 1")
            #expect(tail.stdout.split(separator: "\n").map(String.init) == [lastLine].compactMap { $0 },
                    "--tail 1 is the last line of the log: \(tail.stdout.debugDescription) vs \(lastLine.debugDescription)")
        }
    }

    @Test func logsErrors() async throws {
        try await withShell { shell, _ in
            let noStep = await shell.run("use run 902; logs 9")
            #expect(noStep.status == 2, "\(noStep)")
            #expect(noStep.stderr.contains("steps: 1, 2, 3"), "\(noStep)")
            let noFailure = await shell.run("use run 901; logs --failed")
            #expect(noFailure.status == 2, "\(noFailure)")
            let badTail = await shell.run("logs --tail 0")
            #expect(badTail.status == 2)
            let noRun = await shell.run("unuse run; logs")
            #expect(noRun.status == 2)
            #expect(noRun.stderr.contains("use run"), "\(noRun)")
        }
    }

    @Test func artifactsListsPathsPerStep() async throws {
        try await withShell { shell, _ in
            let last = await shell.run("use run 902; artifacts")
            #expect(last.status == 0, "\(last)")
            #expect(last.stdoutLines.contains("catalog.json"), "\(last)")
            #expect(last.stdoutLines.contains("run_results.json"))
            let freshness = await shell.run("artifacts --step 1")
            #expect(freshness.stdoutLines.contains("sources.json"), "\(freshness)")
            #expect(!freshness.stdoutLines.contains("catalog.json"))
            let json = await shell.run("artifacts --step 2 --json")
            #expect(json.json?.arrayValue?.contains(.string("manifest.json")) == true, "\(json)")
        }
    }

    @Test func artifactsGetPicksTheStepThatRanDbt() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use run 902; artifacts get run_results.json -o -")
            #expect(result.status == 0, "\(result)")
            let results = try #require(result.json, "stdout is the artifact")
            #expect(results["args"]?["which"]?.stringValue == "build", "not the docs step's green run_results.json")
            #expect(result.stderr.contains("(step 2)"), "\(result.stderr)")
            let docs = await shell.run("artifacts get run_results.json --step 3 -o -")
            #expect(docs.json?["args"]?["which"]?.stringValue == "generate")
        }
    }

    @Test func artifactsGetWritesFiles() async throws {
        try await withShell { shell, _ in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-get-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = await shell.run("use run 902; artifacts get manifest.json catalog.json -o '\(directory.path)/'")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.isEmpty, "downloads report on stderr")
            let manifest = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
            #expect((try? JSONValue(parsing: manifest))?["metadata"] != nil)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("catalog.json").path))
            let single = directory.appendingPathComponent("results.json")
            let renamed = await shell.run("artifacts get run_results.json -o '\(single.path)'")
            #expect(renamed.status == 0, "\(renamed)")
            #expect(FileManager.default.fileExists(atPath: single.path))
        }
    }

    @Test func artifactsGetRefusesPathsOutsideTarget() async throws {
        try await withShell { shell, fixture in
            for path in ["../etc/passwd", "/etc/passwd", "a/../../b"] {
                let result = await shell.run("use run 902; artifacts get '\(path)' -o -")
                #expect(result.status == 2, "\(path): \(result)")
                #expect(result.stdout.isEmpty)
            }
            let missing = await shell.run("artifacts get no_such_file.json -o -")
            #expect(missing.status == 3, "a 404 is exit 3: \(missing)")
            #expect(missing.stderrLines == ["error: run 902 has no no_such_file.json: dbt Cloud has no such file for this run; 'artifacts --run 902' lists the paths it has"],
                    "said, not a raw 404: \(missing)")
            _ = fixture
        }
    }

    @Test func failuresOfTheFailedRun() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("failures 902")
            #expect(result.status == 0, "\(result)")
            let out = result.stdout
            #expect(out.contains("ERROR  model int_customer_order_history"), "\(out)")
            #expect(out.contains("FAIL  test unique_fct_daily_revenue_revenue_date"), "\(out)")
            #expect(out.contains("WARN  test accepted_values_stg_orders_status"), "\(out)")
            #expect(out.contains("SKIPPED  14 nodes, by cause ('failures --all' lists them)"), "\(out)")
            #expect(out.contains("    14  int_customer_order_history (error)"), "skips are counted by cause: \(out)")
            #expect(!out.contains("dim_customers"), "the skipped nodes are listed with --all only: \(out)")
            let all = await shell.run("failures 902 --all")
            #expect(all.stdoutLines.contains { $0.hasPrefix("    model ") && $0.contains(" dim_customers ") }, "a skipped model is named: \(all)")
            let context = await shell.run("use run 902; failures --json")
            #expect(context.status == 0)
            #expect(context.json != nil, "\(context.stdout.prefix(300))")
        }
    }

    @Test func failuresOfAGreenRun() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("failures 901")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasPrefix("no failures"), "\(result)")
        }
    }

    @Test func failuresFromLocalFiles() async throws {
        try await withShell(account: false) { shell, _ in
            let directory = try #require(Self.fixtureDirectory())
            let results = directory.appendingPathComponent("run_results.json").path
            let manifest = directory.appendingPathComponent("manifest.json").path
            let result = await shell.run("failures --file '\(results)' --manifest '\(manifest)'")
            #expect(result.status == 0, "no account or run needed: \(result)")
            #expect(result.stdout.contains("ERROR  model int_customer_order_history"), "\(result)")
            #expect(result.stdout.contains("int_customer_order_history (error)"), "skip causes from the manifest: \(result)")
            let missing = await shell.run("failures --file /no/such/run_results.json")
            #expect(missing.status == 2, "\(missing)")
            #expect(missing.stderrLines.count == 1)
        }
    }

    @Test func logsDebug() async throws {
        try await withShell { shell, _ in
            let console = await shell.run("use run 902; logs 2")
            let debug = await shell.run("logs 2 --debug")
            #expect(debug.status == 0, "\(debug)")
            #expect(!debug.stdout.isEmpty)
            #expect(debug.stdout != console.stdout, "the debug log is another text")
        }
    }

    @Test func sqlOfANode() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use run 902; sql stg_orders")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.lowercased().contains("select"), "\(result)")
            #expect(!result.stdout.contains("{{"), "compiled, not raw: \(result)")
            #expect(result.stderr.contains("model.lumen_shop.stg_orders"), "\(result)")
            let raw = await shell.run("sql stg_orders --raw")
            #expect(raw.status == 0, "\(raw)")
            #expect(raw.stdout.contains("{{"), "raw code has jinja: \(raw)")
            let missing = await shell.run("sql stg_ordrs")
            #expect(missing.status == 3, "\(missing)")
            #expect(missing.stderr.contains("did you mean"), "\(missing)")
        }
    }

    @Test func diffOfTwoRuns() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("diff 901 902")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines.first == "run 901 → run 902", "\(result)")
            #expect(result.stdout.contains("new failures"), "\(result)")
            #expect(result.stdout.contains("int_customer_order_history"), "\(result)")
            let implicit = await shell.run("use run 902; diff")
            #expect(implicit.stdoutLines.first == "run 901 → run 902", "the last success before it: \(implicit)")
            let json = await shell.run("diff 901 902 --json")
            #expect(json.json != nil)
        }
    }

    @Test func catalogShowAndSearch() async throws {
        try await withShell { shell, _ in
            let show = await shell.run("use run 902; catalog show stg_orders")
            #expect(show.status == 0, "\(show)")
            #expect(show.stdoutLines.first?.hasPrefix("model stg_orders") == true, "\(show)")
            #expect(show.stdout.contains("order_id"), "\(show)")
            #expect(show.stdout.contains("is_cancelled"))
            let search = await shell.run("catalog search shipping_country")
            #expect(search.status == 0, "\(search)")
            #expect(search.stdout.contains("stg_orders"), "\(search)")
            let nothing = await shell.run("catalog search zzzz-nothing")
            #expect(nothing.status == 0)
            #expect(nothing.stdout.isEmpty)
            let missing = await shell.run("catalog show no_such_model")
            #expect(missing.status == 3, "\(missing)")
        }
    }

    @Test func catalogBrowseIsASubShell() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("""
            use run 902
            catalog browse
            nodes
            warehouse
            staging
            stg_orders
            """)
            #expect(result.status == 0, "\(result)")
            #expect(shell.session.prompt.hasPrefix("catalog /nodes/warehouse/staging/"), "\(shell.session.prompt)")
            #expect(result.stdout.contains("order_id"), "\(result)")
            let back = await shell.run("..\n..\n..\nls")
            #expect(back.stdout.contains("warehouse"), "\(back)")
            let out = await shell.run("exit")
            #expect(out.status == 0)
            #expect(shell.session.subShell == nil)
            #expect(shell.session.prompt.hasPrefix("dbt "), "back at the shell prompt")
            let again = await shell.run("context")
            #expect(again.stdout.contains("run: 902"), "\(again)")
        }
    }

    @Test func catalogFromALocalFile() async throws {
        try await withShell(account: false) { shell, _ in
            let file = try #require(Self.fixtureCatalog())
            let result = await shell.run("catalog show stg_orders --file '\(file.path)'")
            #expect(result.status == 0, "no account or run needed for a local file: \(result)")
            #expect(result.stdout.contains("order_id"))
        }
    }

    static func fixtureDirectory() -> URL? {
        fixtureCatalog()?.deletingLastPathComponent()
    }

    static func fixtureCatalog() -> URL? {
        // The sandbox's own fixture, found from this source file (Tests/ShellTests → Sources/Sandbox).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("Sources/Sandbox/Resources/dbt-artifacts/failure/catalog.json")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
