import DbtCloud
import Foundation
import Sandbox
@testable import Shell
import Testing

/// Issue 13.4: every format on the commands that print data, parsed back; `--fields`;
/// `set output`. Through the interpreter over loopback HTTP to the sandbox.
@Suite("output formats", .sandbox())
struct OutputFormatTests {
    @Test("runs in json, jsonl, csv, tsv and markdown hold the same runs")
    func everyFormatOfRuns() async throws {
        try await withShell { shell, _ in
            let json = await shell.run("runs --job 43167 --json")
            let raw = try #require(json.json?.arrayValue, "\(json)")
            #expect(raw.map { $0["id"]?.intValue } == [902, 901, 900])
            #expect(raw.first?["status"]?.intValue == 20, "--json is the API's objects, status as its code")

            let jsonl = await shell.run("runs --job 43167 --output jsonl")
            let lines = try jsonl.stdoutLines.map { try JSONValue(parsing: $0) }
            #expect(lines == raw, "one API object a line")

            let csv = await shell.run("runs --job 43167 --output csv")
            #expect(csv.stdout.contains("\r\n"), "RFC 4180 lines end in CRLF")
            let records = CSV.parse(csv.stdout)
            #expect(records.first == ["id", "status_name", "created_at", "duration", "cause"], "filtered to one job: no job column")
            #expect(records.dropFirst().map { $0.first } == ["902", "901", "900"])
            #expect(records[1] == ["902", "error", raw[0]["created_at"]?.stringValue ?? "-", "00:00:17", "Kicked off by schedule"])

            let tsv = await shell.run("runs --job 43167 --output tsv")
            let tsvRecords = tsv.stdoutLines.map { $0.components(separatedBy: "\t") }
            #expect(tsvRecords == records, "TSV holds what CSV holds")

            let markdown = await shell.run("runs --job 43167 --output markdown")
            let rows = markdown.stdoutLines
            #expect(rows.first == "| ID | STATUS | CREATED | DURATION | CAUSE |", "\(markdown)")
            #expect(rows.dropFirst().first == "| ---: | --- | --- | ---: | --- |")
            #expect(rows.count == 5 && rows[2].hasPrefix("| 902 | error | "), "\(markdown)")
        }
    }

    @Test("runs of several jobs show the job's name; filtered to one job, no JOB column")
    func runsNameTheirJobs() async throws {
        try await withShell { shell, _ in
            let all = await shell.run("runs --all-jobs --limit 100")
            #expect(all.stdout.tableHeader?.hasPrefix("ID  JOB  ") == true, "\(all)")
            #expect(all.stdout.contains("Nightly build") && all.stdout.contains("Hourly refresh"), "\(all)")
            let csv = CSV.parse(await shell.run("runs --all-jobs --limit 100 --output csv").stdout)
            let nameColumn = try #require(csv.first?.firstIndex(of: "job_name"))
            #expect(csv.dropFirst().allSatisfy { !$0[nameColumn].isEmpty }, "every run has its job's name")
            let one = await shell.run("use job 43167; runs")
            #expect(one.stdout.tableHeader == "ID  STATUS   CREATED           DURATION  CAUSE", "\(one)")
        }
    }

    @Test("--fields chooses columns and keys, in order; raw keys too; a typo gets a suggestion")
    func fieldsChooseColumns() async throws {
        try await withShell { shell, _ in
            let csv = await shell.run("runs --job 43167 --output csv --fields status_name,id,git_sha")
            let records = CSV.parse(csv.stdout)
            #expect(records.first == ["status_name", "id", "git_sha"], "\(csv)")
            #expect(records[1].prefix(2) == ["error", "902"] && records[1][2].count == 40, "a key of the API object: \(records)")

            let table = await shell.run("runs --job 43167 --fields id,job_name")
            #expect(table.stdout.tableHeader == "ID  JOB", "a hidden field is shown when asked for: \(table)")
            #expect(table.stdout.tableRows.first == "902  Nightly build")

            let json = await shell.run("runs --job 43167 --json --fields id,status,job_name")
            let first = try #require(json.json?.arrayValue?.first, "\(json)")
            #expect(first == ["id": 902, "status": 20, "job_name": "Nightly build"], "API keys as they are, dbtsh's fields added")

            let typo = await shell.run("runs --fields id,stauts_name")
            #expect(typo.status == 2 && typo.stdout.isEmpty, "\(typo)")
            #expect(typo.stderr.hasPrefix("error: runs: unknown field 'stauts_name' (did you mean status_name?); fields: id, job_id"), "\(typo)")

            let help = await shell.run("runs --help")
            #expect(help.stdout.contains("fields (--fields") && help.stdout.contains("status_name"), "\(help)")
            #expect(help.stdout.contains("--output FORMAT             table, json, jsonl, csv, tsv or markdown"), "\(help)")
        }
    }

    @Test("--fields status: its name in a table, as the default table shows it; the API's code in JSON and CSV")
    func statusFieldByName() async throws {
        try await withShell { shell, _ in
            let runs = await shell.run("runs --job 43167 --fields id,status")
            #expect(runs.stdout.tableHeader == "ID  STATUS" && runs.stdout.tableRows.first == "902  error", "\(runs)")
            let steps = await shell.run("steps 902 --fields index,status")
            #expect(steps.stdout.tableHeader == "#  STATUS" && steps.stdout.tableRows.contains("2  ✗ error"), "\(steps)")
            #expect((runs.stdout.tableRows + steps.stdout.tableRows).allSatisfy { $0.last?.isNumber == false }, "no raw codes in a table")
            let csv = CSV.parse(await shell.run("runs --job 43167 --output csv --fields id,status").stdout)
            #expect(csv.prefix(2) == [["id", "status"], ["902", "20"]], "\(csv)")
            let json = await shell.run("steps 902 --json --fields index,status")
            #expect(json.json?.arrayValue?.contains { $0 == ["index": 2, "status": 20] } == true, "\(json)")
        }
    }

    @Test("set output and dbtsh --output pick the default; a command's --output wins")
    func sessionDefaultFormat() async throws {
        try await withShell { shell, _ in
            #expect(await shell.run("set output csv").status == 0)
            let projects = await shell.run("projects")
            #expect(projects.stdout.hasPrefix("id,name,description\r\n100,analytics,"), "\(projects)")
            let table = await shell.run("projects --output table")
            #expect(table.stdout.tableHeader?.hasPrefix("ID  NAME") == true, "--output wins over set output: \(table)")
            let settings = try #require(await shell.run("set --json").json)
            #expect(settings["output"] == "csv" && settings["errexit"] == "on", "\(settings)")
            var options = Settings()
            for format in OutputFormat.allCases {
                try options.set("output", to: format.rawValue)
                #expect(options.output == format)
            }
        }
    }

    @Test("CSV, TSV and markdown quote and escape; into a pipe control characters stay bytes, on a terminal they show")
    func escaping() async throws {
        try await withShell { shell, fixture in
            let name = "Weird, \"quoted\" | pipe\ttab\nsecond line \u{1B}[31mred\\"
            let definition = try await fixture.client.job(accountID: DemoWorld.accountID, id: 43168).raw
                .setting("name", to: .string(name)).setting("id", to: .null)
            let created = try await fixture.client.createJob(accountID: DemoWorld.accountID, definition: definition)

            let csv = await shell.run("jobs --name Weird --output csv --fields id,name")
            #expect(CSV.parse(csv.stdout) == [["id", "name"], [String(created.id), name]], "\(csv.stdout.debugDescription)")

            let tsv = await shell.run("jobs --name Weird --output tsv --fields name")
            #expect(tsv.stdout == "name\nWeird, \"quoted\" | pipe\\ttab\\nsecond line \u{1B}[31mred\\\\\n", "\(tsv.stdout.debugDescription)")

            let markdown = await shell.run("jobs --name Weird --output markdown --fields name")
            #expect(markdown.stdoutLines.last == "| Weird, \"quoted\" \\| pipe\ttab<br>second line \u{1B}[31mred\\\\ |",
                    "\(markdown.stdout.debugDescription)")

            let json = await shell.run("jobs --name Weird --json")
            #expect(json.stdout.contains("\\u001b[31m") && !json.stdout.contains("\u{1B}"), "JSON escapes controls")
            #expect(json.json?.arrayValue?.first?["name"]?.stringValue == name)

            let terminal = fixture.shell(console: CapturingConsole(stdoutIsTerminal: true, width: 200))
            for (format, visible) in [("csv", "^[[31mred"), ("tsv", "^[[31mred"), ("markdown", "^[[31mred"), ("table", "pipe^Itab")] {
                let shown = await terminal.run("jobs --name Weird --output \(format) --fields name")
                #expect(!shown.stdout.contains("\u{1B}") && shown.stdout.contains(visible), "\(format): \(shown.stdout.debugDescription)")
                #expect(!shown.stdout.contains("\r"), "\(format): no CR on a terminal")
            }
        }
    }

    @Test("failures, diff, steps, logs, sql, context, history: every format parses")
    func textCommands() async throws {
        try await withShell { shell, _ in
            let failures = await shell.run("use run 902; failures --json")
            let report = try #require(failures.json, "\(failures)")
            #expect(report["summary"]?["no_op"] != nil && report["is_compile_only"] == false, "snake_case keys: \(failures.stdout.prefix(300))")
            let problems = try #require(report["problems"]?.arrayValue)
            #expect(problems.count == 17 && problems.first?["unique_id"]?.stringValue == "model.lumen_shop.int_customer_order_history")
            #expect(!failures.stdout.contains("\" :") && !failures.stdout.contains("uniqueID"), "one JSON style")
            let failuresCSV = CSV.parse(await shell.run("failures --output csv").stdout)
            #expect(failuresCSV.count == 18 && failuresCSV.first?.prefix(3) == ["status", "resource_type", "name"], "\(failuresCSV.prefix(2))")
            let failuresJSONL = await shell.run("failures --output jsonl --fields name,status")
            #expect(failuresJSONL.stdoutLines.count == 17)
            #expect(try JSONValue(parsing: failuresJSONL.stdoutLines[0]) == ["name": "int_customer_order_history", "status": "error"])
            let skipped = await shell.run("failures --fields status,name")
            #expect(skipped.stdout.tableHeader == "STATUS   NAME", "--fields makes a table of the report: \(skipped)")

            let diff = await shell.run("diff 901 902 --json")
            let diffJSON = try #require(diff.json, "\(diff)")
            #expect(diffJSON["old_run_id"] == 901 && diffJSON["new_summary"]?["error"] == 2)
            let changes = try #require(diffJSON["changes"]?.arrayValue)
            #expect(changes.contains { $0["name"] == "int_customer_order_history" && $0["change"] == "new_failure" && $0["new_status"] == "error" })
            let diffCSV = CSV.parse(await shell.run("diff 901 902 --output csv").stdout)
            #expect(diffCSV.count == changes.count + 1 && diffCSV.first?.first == "name")

            let steps = CSV.parse(await shell.run("steps --output csv").stdout)
            #expect(steps == [["index", "status_name", "duration", "name"],
                              ["1", "success", "00:00:05", "Invoke dbt with `dbt source freshness`"],
                              ["2", "error", "00:00:06", "Invoke dbt with `dbt build`"],
                              ["3", "success", "00:00:04", "Invoke dbt with `dbt docs generate`"]], "\(steps)")

            let logs = await shell.run("logs --failed --output jsonl")
            let logLines = try logs.stdoutLines.map { try JSONValue(parsing: $0) }
            #expect(logLines.count > 5 && logLines.first?["line"] == 1, "\(logs.stdout.prefix(300))")
            #expect(logLines.allSatisfy { !($0["text"]?.stringValue ?? "\u{1B}").contains("\u{1B}") }, "no colour codes in data")
            let logJSON = try #require(await shell.run("logs --failed --json").json)
            #expect(logJSON["run_id"] == 902 && logJSON["step"]?["index"] == 2 && logJSON["lines"]?.arrayValue?.count == logLines.count)
            let logMarkdown = await shell.run("logs --failed --output markdown")
            #expect(logMarkdown.stdout.hasPrefix("```\n") && logMarkdown.stdout.hasSuffix("\n```\n"))

            let sql = try #require(await shell.run("sql stg_orders --json").json)
            #expect(sql["unique_id"] == "model.lumen_shop.stg_orders" && sql["sql"]?.stringValue?.lowercased().contains("select") == true)
            let sqlMarkdown = await shell.run("sql stg_orders --output markdown")
            #expect(sqlMarkdown.stdout.hasPrefix("```sql\n"), "\(sqlMarkdown.stdout.prefix(100))")
            let sqlCSV = CSV.parse(await shell.run("sql stg_orders --output csv --fields unique_id,origin").stdout)
            #expect(sqlCSV == [["unique_id", "origin"], ["model.lumen_shop.stg_orders", "run_results"]], "\(sqlCSV)")

            let context = try #require(await shell.run("context --json").json)
            #expect(context["run"] == ["id": 902, "status_name": "error"], "the run's status is not its name: \(context)")
            let contextCSV = CSV.parse(await shell.run("context --output csv --fields job,run").stdout)
            #expect(contextCSV == [["job", "run"], [#"{"id":43167,"name":"Nightly build"}"#, #"{"id":902,"status_name":"error"}"#]])
        }
    }

    @Test("connections: TYPE from adapter_version where the API gives no type")
    func connectionType() async throws {
        try await withShell { shell, _ in
            let table = await shell.run("connections")
            #expect(table.stdout.tableRows.first?.contains("Analytics warehouse  postgres  postgres_v0") == true, "\(table)")
            let json = try #require(await shell.run("connections --json").json?.arrayValue)
            #expect(json.first?["type"] == nil, "the account-level v3 listing has no type")
            let csv = CSV.parse(await shell.run("connections --output csv --fields id,type").stdout)
            #expect(csv == [["id", "type"], ["300", "postgres"], ["301", "postgres"]])
        }
    }

    @Test("jobs: the environment's name, and --status by the last run")
    func jobsListing() async throws {
        try await withShell { shell, _ in
            let jobs = await shell.run("jobs --name Nightly")
            #expect(jobs.stdout.tableRows.first?.hasPrefix("43167  Nightly build  Production  ") == true, "\(jobs)")
            let errors = await shell.run("jobs --status error --output csv --fields id,last_run_status,environment_id")
            let rows = CSV.parse(errors.stdout)
            #expect(rows.count > 2 && rows.dropFirst().allSatisfy { $0[1] == "error" }, "\(errors)")
            #expect(rows.dropFirst().contains(["43167", "error", "202"]))
            let success = CSV.parse(await shell.run("jobs --status success --output csv --fields id").stdout)
            #expect(!success.dropFirst().contains(["43167"]) && success.count > 2)
            let bad = await shell.run("jobs --status broken")
            #expect(bad.status == 2 && bad.stderr.contains("unknown status 'broken'"), "\(bad)")
        }
    }
}

/// RFC 4180, as a reader of dbtsh's CSV would parse it.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var characters = Array(text.unicodeScalars)[...]
        while let scalar = characters.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case ",":
                record.append(field)
                field = ""
                atFieldStart = true
            case "\r" where characters.first == "\n":
                continue
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                atFieldStart = true
            default:
                field.unicodeScalars.append(scalar)
                atFieldStart = false
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
