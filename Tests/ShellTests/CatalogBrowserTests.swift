import Foundation
import Sandbox
import Shell
import Testing

/// The catalog browser walked like folders (issue 15.4), and what `catalog show` completes.
@Suite("Catalog browser", .sandbox())
struct CatalogBrowserTests {
    private func browse(_ fixture: SandboxFixture) async -> ShellHarness {
        let shell = fixture.shell()
        let opened = await shell.run("use run 902\ncatalog browse")
        #expect(opened.status == 0, "\(opened)")
        return shell
    }

    @Test func pathsGoSeveralLevelsAtOnceUpAndDown() async throws {
        try await SandboxFixture.with { fixture in
            let shell = await browse(fixture)
            #expect(await shell.run("cd nodes/warehouse").status == 0)
            #expect(shell.session.prompt == "catalog /nodes/warehouse > ")
            let up = await shell.run("cd ../..")
            #expect(up.status == 0, "\(up)")
            #expect(shell.session.prompt == "catalog / > ")
            let notHere = await shell.run("cd staging")
            #expect(notHere.status == 2, "no staging at the top: \(notHere)")
            #expect(await shell.run("cd /nodes/analytics").status == 0)
            #expect(shell.session.prompt == "catalog /nodes/analytics > ")
            let sideways = await shell.run("../warehouse/staging/stg_orders")
            #expect(sideways.status == 0, "\(sideways)")
            #expect(shell.session.prompt == "catalog /nodes/warehouse/staging/stg_orders > ")
            #expect(sideways.stdout.contains("order_id"), "a relation shows its columns: \(sideways)")
            let below = await shell.run("cd order_id")
            #expect(below.status == 2)
            #expect(below.stderr.contains("is a relation"), "\(below)")
            #expect(await shell.run("cd /").status == 0)
            #expect(shell.session.prompt == "catalog / > ")
            let wrong = await shell.run("cd nodes/warehouse/stagin")
            #expect(wrong.status == 2)
            #expect(wrong.stderr.contains("did you mean staging?"), "\(wrong)")
            #expect(shell.session.prompt == "catalog / > ", "a failed cd stays where it was")
        }
    }

    @Test func searchPrintsTheSameTableAsCatalogSearch() async throws {
        try await SandboxFixture.with { fixture in
            let shell = await browse(fixture)
            let inBrowser = await shell.run("search customer_id")
            #expect(inBrowser.status == 0, "\(inBrowser)")
            #expect(inBrowser.stdout.tableHeader?.split(separator: " ") == ["NODE", "COLUMN", "MATCHED", "TEXT"], "\(inBrowser)")
            #expect(inBrowser.stdout.tableRows.count >= 2, "\(inBrowser)")
            _ = await shell.run("exit")
            let command = await shell.run("catalog search customer_id")
            #expect(command.status == 0, "\(command)")
            #expect(inBrowser.stdout == command.stdout, "browser:\n\(inBrowser.stdout)\ncommand:\n\(command.stdout)")
        }
    }

    @Test func aMultiLineDescriptionShowsItsFirstParagraphAndSaysThereIsMore() async throws {
        try await withShell { shell, _ in
            let customers = await shell.run("use run 902; catalog show dim_customers")
            #expect(customers.status == 0, "\(customers)")
            let row = customers.stdoutLines.first { $0.contains(" customer_id ") }
            #expect(row?.hasSuffix("guest checkouts are not possible, so every order has one.") == true, "\(customers)")
            let orders = await shell.run("catalog show fct_orders")
            let status = orders.stdoutLines.first { $0.contains(" status ") }
            #expect(status?.hasSuffix("Fulfilment status of the order: …") == true, "\(orders)")
        }
    }

    @Test func linesTypedInTheBrowserAreNotShellCommands() async throws {
        try await SandboxFixture.with { fixture in
            let shell = await browse(fixture)
            let shellVerb = await shell.run("jobs")
            #expect(shellVerb.status == 2)
            #expect(shellVerb.stderr.contains("'jobs' is a shell command: 'exit' leaves the catalog browser first"), "\(shellVerb)")
            #expect(shell.session.subShell?.historyName == "catalog", "the browser's lines go to their own history")
            _ = await shell.run("exit")
            #expect(shell.session.subShell == nil)
        }
    }

    @Test func tabCompletesPathsAFolderAtATime() async throws {
        try await SandboxFixture.with { fixture in
            let shell = await browse(fixture)
            #expect(await shell.complete("cd nodes/an").items.map(\.replacement) == ["nodes/analytics/"])
            #expect(await shell.complete("cd nodes/an").items.first?.appendsSpace == false)
            #expect(await shell.complete("nodes/warehouse/staging/stg_or").items.map(\.replacement) == ["nodes/warehouse/staging/stg_orders"])
            _ = await shell.run("cd nodes/warehouse")
            #expect(await shell.complete("cd ../an").items.map(\.replacement) == ["../analytics/"])
            #expect(await shell.complete("cd /so").items.map(\.replacement) == ["/sources/"])
            #expect(await shell.complete("cl").items.map(\.replacement) == ["clear"])
        }
    }

    @Test("catalog show NODE<TAB> offers the catalog's relations, not tests")
    func catalogShowCompletesRelations() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use run 902")
            var result = await shell.complete("catalog show dim_")
            for _ in 0..<300 where result.items.isEmpty {  // the listing arriving is the event (up to 30 s on a loaded machine)
                try await Task.sleep(for: .milliseconds(100))
                result = await shell.complete("catalog show dim_")
            }
            #expect(result.items.map(\.replacement).sorted() == ["dim_customers", "dim_products"], "\(result)")
            #expect(result.items.map(\.display).contains("dim_customers  model"), "\(result)")
            let test = await shell.run("catalog show dim_customers.test_customer_segment_rules")
            #expect(test.status == 3)
            #expect(test.stderr.contains("in the catalog (it has models, seeds, snapshots and sources, not tests)"), "\(test)")
        }
    }
}
