import Foundation
import Sandbox
import Shell
import Testing

/// `set KEY VALUE` (SHELL.md §4, Session).
@Suite("set", .sandbox())
struct SetTests {
    @Test func setAloneListsEverySettingWithItsDefault() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set")
            #expect(result.status == 0)
            #expect(result.stdoutLines == ["output: table", "color: off", "interval: 3s", "errexit: on", "pager: off", "readonly: off"],
                    "\(result)")
        }
    }

    @Test(arguments: [
        ("output", "json", "output: json"),
        ("output", "table", "output: table"),
        ("color", "on", "color: on"),
        ("color", "off", "color: off"),
        ("interval", "10s", "interval: 10s"),
        ("interval", "500ms", "interval: 500ms"),
        ("interval", "2m", "interval: 120s"),
        ("errexit", "off", "errexit: off"),
        ("pager", "on", "pager: on"),
        ("readonly", "on", "readonly: on"),
        ("readonly", "yes", "readonly: on"),
    ])
    func eachKey(key: String, value: String, shown: String) async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set \(key) \(value)\nset \(key)")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == [shown], "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
        }
    }

    @Test(arguments: [
        ("output", "xml", "not one of table, json"),
        ("color", "maybe", "expected on or off"),
        ("errexit", "sometimes", "expected on or off"),
        ("pager", "2", "expected on or off"),
        ("readonly", "nope", "expected on or off"),
        ("interval", "soon", "not a duration"),
        ("interval", "0", "not a duration"),
        ("interval", "-5s", "not a duration"),
    ])
    func badValuesAreRefusedAndChangeNothing(key: String, value: String, message: String) async throws {
        try await withShell { shell, _ in
            let before = shell.session.settings
            let result = await shell.run("set \(key) -- \(value)")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.hasPrefix("error: set \(key): "), "\(result)")
            #expect(result.stderr.contains(message), "\(result)")
            #expect(shell.session.settings == before)
        }
    }

    @Test
    func hugeIntervalsAreRefusedNotFatal() async throws {
        try await withShell { shell, _ in
            for value in ["1e300", "inf", "99999999999999999999h"] {
                let result = await shell.run("set errexit off\nset interval \(value)\nset interval\nset")
                #expect(result.stdoutLines.count == 7, "\(value): \(result)")
            }
        }
    }

    @Test func unknownKeySuggestsTheNearest() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set colour on")
            #expect(result.status == 2)
            #expect(result.stderr.contains("unknown setting 'colour' (did you mean color?)"), "\(result)")
            #expect(result.stderr.contains("output, color, interval, errexit, pager, readonly"), "\(result)")
            let alone = await shell.run("set nosuchkey")
            #expect(alone.status == 2, "\(alone)")
            #expect(alone.stderr.contains("unknown setting 'nosuchkey'"), "\(alone)")
        }
    }

    @Test func outputJSONAppliesToLaterCommands() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set output json\ncontext")
            #expect(result.status == 0)
            #expect(result.json?["account"]?["id"]?.intValue == 43, "\(result)")
            let table = await shell.run("context --output table")
            #expect(table.stdoutLines == ["account: 43 (Acme Analytics)"], "--output table wins over the setting: \(table)")
        }
    }

    @Test func pagerOnInAScriptStillWritesStdout() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set pager on; jobs")
            #expect(result.status == 0)
            #expect(result.stdout.tableRows.count == 141, "no pager without a terminal")
        }
    }

    @Test func intervalIsUsedByWait() async throws {
        // Not timing-sensitive: just that the setting is accepted in a form wait understands.
        try await withShell { shell, _ in
            let result = await shell.run("set interval 1m30s\nset interval")
            #expect(result.stdoutLines == ["interval: 90s"], "\(result)")
        }
    }
}
