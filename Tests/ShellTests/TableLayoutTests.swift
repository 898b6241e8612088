import DbtCloud
import Foundation
import Sandbox
@testable import Shell
import TerminalText
import Testing

/// Issue 15.2: tables on narrow terminals and coloured statuses, through the interpreter on
/// a terminal of 60 and 120 columns and through a pipe (no width).
@Suite("tables: widths and colours", .sandbox())
struct TableLayoutTests {
    static func terminal(_ fixture: SandboxFixture, width: Int, colour: Bool = false) -> ShellHarness {
        var settings = Settings()
        settings.color = colour
        return fixture.shell(settings: settings, console: CapturingConsole(stdoutIsTerminal: true, stderrIsTerminal: true, width: width))
    }

    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    @Test("runs at 60 columns: whole dates, job names, the least important columns cut first")
    func runsAtSixty() async throws {
        try await SandboxFixture.with { fixture in
            let shell = Self.terminal(fixture, width: 60)
            let all = await shell.run("runs --all-jobs --limit 8")
            let lines = all.stdoutLines
            #expect(lines.allSatisfy { $0.count <= 60 }, "every line fits: \(all.stdout)")
            #expect(lines.first?.hasPrefix(" ID  JOB") == true && lines.first?.contains("CREATED") == true, "\(all.stdout)")
            let dates = lines.dropFirst().compactMap { $0.range(of: #"2026-\d\d-\d\d \d\d:\d\d"#, options: .regularExpression) }
            #expect(dates.count == 8, "CREATED is never cut: \(all.stdout)")
            #expect(!all.stdout.contains("-0…"), "\(all.stdout)")

            let one = await shell.run("use job 43167; runs")
            #expect(one.stdoutLines.first == " ID  STATUS   CREATED           DURATION  CAUSE", "no JOB column for one job: \(one.stdout)")
            #expect(one.stdoutLines.dropFirst().allSatisfy { $0.count <= 60 && $0.contains("  Kicked off by sch") }, "\(one.stdout)")
        }
    }

    @Test("the named Discovery queries at 60 columns: whole names and dates, the unique id goes first")
    func namedQueriesAtSixty() async throws {
        try await SandboxFixture.with { fixture in
            let shell = Self.terminal(fixture, width: 60)
            let stale = await shell.run("use job 43167; query stale-sources")
            #expect(stale.status == 0 && stale.stdoutLines.allSatisfy { $0.count <= 60 }, "\(stale)")
            #expect(stale.stdoutLines.first?.hasPrefix("SOURCE") == true && stale.stdoutLines.first?.contains("UNIQUE ID") == false, "\(stale.stdout)")
            #expect(stale.stdoutLines.contains { $0.hasPrefix("erp.inventory_levels  ") }, "\(stale.stdout)")
            let history = await shell.run("query model-history fct_orders --last 3")
            let rows = history.stdoutLines.dropFirst()
            #expect(history.status == 0 && rows.count == 3 && history.stdoutLines.allSatisfy { $0.count <= 60 }, "\(history)")
            #expect(rows.allSatisfy { $0.range(of: #"2026-\d\d-\d\d \d\d:\d\d"#, options: .regularExpression) != nil }, "GENERATED is never cut: \(history.stdout)")
            let lineage = await shell.run("query lineage int_customer_order_history")
            #expect(lineage.status == 0 && lineage.stdoutLines.allSatisfy { $0.count <= 60 }, "\(lineage)")
            #expect(lineage.stdoutLines.contains { $0.contains("  int_payments_pivoted_to_orders  ") }, "\(lineage.stdout)")
            #expect(lineage.stdoutLines.first?.contains("UNIQUE ID") == false, "a unique id cut to 'model.lu…' says nothing: \(lineage.stdout)")
        }
    }

    @Test("bisect at 60 columns: whole dates; the run status, which the labels say, goes first")
    func bisectAtSixty() async throws {
        try await SandboxFixture.with { fixture in
            let result = await Self.terminal(fixture, width: 60).run("bisect int_customer_order_history --job 43167")
            let table = result.stdoutLines.dropFirst().prefix(3)
            #expect(result.status == 0 && table.count == 3 && table.allSatisfy { $0.count <= 60 }, "\(result)")
            #expect(result.stdoutLines.contains { $0.hasPrefix("  last pass      run 901  2026-11-27 23:57  28b56e1") }, "\(result.stdout)")
            let wide = await Self.terminal(fixture, width: 120).run("bisect int_customer_order_history --job 43167")
            #expect(wide.stdoutLines.contains { $0.hasPrefix("  first failure  run 902  2026-11-28 23:57  e352ad4  error") }, "\(wide.stdout)")
        }
    }

    @Test("jobs at 60 and 120 columns and through a pipe")
    func jobsAtWidths() async throws {
        try await SandboxFixture.with { fixture in
            let narrow = await Self.terminal(fixture, width: 60).run("jobs --name Nightly")
            #expect(narrow.stdoutLines.allSatisfy { $0.count <= 60 }, "\(narrow.stdout)")
            #expect(narrow.stdoutLines.first?.contains("LAST RUN") == true, "the last run's status outranks its date: \(narrow.stdout)")
            #expect(narrow.stdoutLines.last?.contains("Production") == true && narrow.stdoutLines.last?.contains("error") == true)

            let wide = await Self.terminal(fixture, width: 120).run("jobs --name Nightly")
            #expect(wide.stdoutLines == ["   ID  NAME           ENV         SCHEDULE                LAST RUN  FINISHED",
                                         "43167  Nightly build  Production  At 02:00 AM, every day  error     2026-11-28 23:57"],
                    "\(wide.stdout)")
            let piped = await fixture.shell().run("jobs --name Nightly")
            #expect(piped.stdout == wide.stdout, "a pipe gets the whole table")
        }
    }

    @Test("failures --all: the SKIPPED table keeps its indent and fits at 60 and 120 columns")
    func skippedTable() async throws {
        try await SandboxFixture.with { fixture in
            for width in [60, 120] {
                let output = await Self.terminal(fixture, width: width).run("use run 902; failures --all")
                let lines = output.stdoutLines
                let start = try #require(lines.firstIndex { $0.hasPrefix("SKIPPED") }, "\(output.stdout)")
                let end = try #require(lines.firstIndex { $0.hasPrefix("PASS=") }, "\(output.stdout)")
                let table = Array(lines[(start + 1)..<end])
                #expect(table.count == 15, "header and 14 rows, none wrapped, at \(width): \(output)")
                #expect(table.allSatisfy { $0.hasPrefix("    ") && $0.count <= width }, "at \(width): \(table)")
                #expect(table.first?.hasPrefix("    TYPE       NAME") == true)
            }
            let piped = await fixture.shell().run("use run 902; failures --all")
            #expect(piped.stdout.contains("    test       accepted_values_dim_customers_customer_segment__prospect__one_time__repeat__vip  int_customer_order_history (error)"),
                    "through a pipe nothing is cut: \(piped.stdout)")
        }
    }

    @Test("failures --all 959 at 120 columns: NAME and BECAUSE OF are cut in balance, only their longest cells")
    func skippedTableInBalance() async throws {
        try await SandboxFixture.with { fixture in
            let output = await Self.terminal(fixture, width: 120).run("failures --all 959")
            let lines = output.stdoutLines
            let start = try #require(lines.firstIndex { $0.hasPrefix("SKIPPED") }, "\(output.stdout)")
            let end = try #require(lines.firstIndex { $0.hasPrefix("PASS=") }, "\(output.stdout)")
            let table = Array(lines[(start + 1)..<end]).filter { !$0.isEmpty }
            #expect(table.count == 29 && table.allSatisfy { $0.count <= 120 }, "header and 28 rows within 120: \(output.stdout)")
            let header = try #require(table.first)
            let because = try #require(header.range(of: "BECAUSE OF"), "\(header)")
            #expect(header.distance(from: header.startIndex, to: because.lowerBound) < 70, "NAME is not padded to its longest cell: \(header)")
            for whole in ["  raw_exchange_rates (error)", "  int_customer_order_history (error)", "  assert_delivered_orders_fully_paid (fail)",
                          "  not_null_fct_payment_methods_daily_payment_date  "] {
                #expect(table.contains { $0.contains(whole) }, "'\(whole)' whole: \(output.stdout)")
            }
            let longest = try #require(table.first { $0.contains("accepted_values_dim_customers_customer_segment") }, "\(output.stdout)")
            #expect(longest.contains("  accepted_values_dim_customers_customer_segment__pro…  int_customer_order_history (error)"),
                    "the longest name is cut moderately: \(longest)")
        }
    }

    @Test("Table.layout: cells wider than most of their column are cut first, the widest column first")
    func layoutOutliersInBalance() {
        let columns = [Table.Column("TYPE", priority: 2, truncates: false), Table.Column("NAME", priority: 1, minimumWidth: 20),
                       Table.Column("BECAUSE OF", priority: 3, minimumWidth: 14)]
        let natural = [9, 80, 62]
        let typical = [9, 45, 34]
        #expect(Table.layout(columns, natural: natural, typical: typical, into: 116).widths == [9, 52, 51])
        // When the typical widths do not fit either, the least important column shrinks on, to its minimum.
        #expect(Table.layout(columns, natural: natural, typical: typical, into: 60).widths == [9, 33, 14])
        #expect(Table.typicalWidth(header: "NAME", cells: [10, 12, 14, 80]) == 80)
        #expect(Table.typicalWidth(header: "NAME", cells: [10, 11, 12, 13, 14, 15, 16, 80]) == 16)
        #expect(Table.typicalWidth(header: "BECAUSE OF", cells: []) == 10)
    }

    @Test("statuses are coloured on a terminal with colour on, never otherwise")
    func statusColours() async throws {
        try await SandboxFixture.with { fixture in
            let coloured = await Self.terminal(fixture, width: 120, colour: true).run("runs --job 43168 --all")
            #expect(coloured.stdout.contains("\u{1B}[31merror\u{1B}[0m") || coloured.stdout.contains("\u{1B}[32msuccess"), "\(coloured.stdout.debugDescription)")
            #expect(coloured.stdout.contains("\u{1B}[32msuccess"), "success is green")
            #expect(coloured.stdout.contains("\u{1B}[2mcancelled"), "cancelled is dim: \(coloured.stdout.debugDescription)")
            #expect(coloured.stdout.hasPrefix("\u{1B}[1m"), "the header is bold")
            let failures = await Self.terminal(fixture, width: 120, colour: true).run("use run 902; failures; steps")
            #expect(failures.stdout.contains("\u{1B}[31mERROR\u{1B}[0m") && failures.stdout.contains("\u{1B}[33mWARN"), "\(failures.stdout.prefix(200).debugDescription)")
            #expect(failures.stdout.contains("\u{1B}[31m✗ error"), "a failed step is red")
            let same = Self.plain(coloured.stdout)
            for (name, shell) in [("colour off", Self.terminal(fixture, width: 120)), ("pipe", fixture.shell())] {
                let output = await shell.run("runs --job 43168 --all")
                #expect(!output.stdout.contains("\u{1B}"), "\(name): \(output.stdout.debugDescription)")
                #expect(output.stdout == same, "\(name): the same text without colour")
            }
            var colour = Settings()
            colour.color = true
            let redirected = await fixture.shell(settings: colour).run("runs --job 43168 --all --output markdown")
            #expect(!redirected.stdout.contains("\u{1B}"), "colour on, but not a terminal")
        }
    }

    @Test("Table.layout: truncating columns shrink least important first; fixed columns go whole")
    func layoutOrder() {
        let columns = [Table.Column("ID", alignment: .right, priority: 0, truncates: false),
                       Table.Column("NAME", priority: 1), Table.Column("DATE", priority: 2, truncates: false),
                       Table.Column("NOTE", priority: 3)]
        let natural = [4, 30, 16, 30]
        #expect(Table.layout(columns, natural: natural, into: 200) == .init(visible: [0, 1, 2, 3], widths: natural))
        // 86 wide: NOTE shrinks first, to its minimum, then NAME.
        #expect(Table.layout(columns, natural: natural, into: 70).widths == [4, 30, 16, 14])
        #expect(Table.layout(columns, natural: natural, into: 50).widths == [4, 16, 16, 8])
        // Below every minimum: NOTE, then DATE go whole, and NAME takes the room back.
        #expect(Table.layout(columns, natural: natural, into: 40) == .init(visible: [0, 1, 2], widths: [4, 16, 16, 30]))
        #expect(Table.layout(columns, natural: natural, into: 20) == .init(visible: [0, 1], widths: [4, 14, 16, 30]))
        #expect(Table.layout(columns, natural: natural, into: 5).visible == [0], "the most important column stays")
    }
}
