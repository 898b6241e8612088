import Foundation
import Testing

/// Issue 15.2 end to end: the built `dbtsh --demo` on a 60-column pseudo-terminal, colour on
/// (no NO_COLOR): tables fit the width and statuses come in their colours.
@Suite("tables in a 60-column pseudo-terminal", .serialized)
struct NarrowTerminalTests {
    static let prompt = DemoTerminal.prompt

    @Test func runsAndFailuresFitSixtyColumnsInColour() async throws {
        try await onOwnThread {
            let shell = try DemoTerminal.start(environment: [:], columns: 60, rows: 40)

            try shell.type("runs --all-jobs -n 5\r")
            try shell.expect("DURATION", timeout: 20)
            let runs = try shell.expect(Self.prompt, timeout: 20)
            let rows = runs.split(separator: "\n").map(String.init).filter { $0.range(of: #"^ *\d+  "#, options: .regularExpression) != nil }
            try check(rows.count == 5, "five runs: \(runs.debugDescription)")
            try check(rows.allSatisfy { $0.count <= 60 }, "every row fits 60 columns: \(rows)")
            try check(rows.allSatisfy { $0.range(of: #"2026-\d\d-\d\d \d\d:\d\d"#, options: .regularExpression) != nil },
                      "CREATED whole: \(rows)")

            try shell.type("use run 902\r")
            try shell.expect("run 902" + Self.prompt, timeout: 20)
            try shell.type("failures --all\r")
            let report = try shell.expect("TOTAL=93", timeout: 30)
            let skipped = report.components(separatedBy: "SKIPPED").last?.split(separator: "\n").dropFirst().dropLast() ?? []
            try check(skipped.count == 15, "header and 14 rows, none wrapped: \(report.debugDescription)")
            try check(skipped.allSatisfy { $0.hasPrefix("    ") && $0.count <= 60 }, "indented, within 60 columns: \(skipped)")
            try shell.expect(Self.prompt, timeout: 10)

            let raw = shell.rawTranscript
            try check(raw.contains("\u{1B}[31mERROR\u{1B}[0m"), "ERROR is red on a terminal")
            try check(raw.contains("\u{1B}[32msuccess"), "success is green on a terminal")

            try shell.type("\u{04}")
            try check(try shell.waitForExit(timeout: 10) == 0, "exit status")
        }
    }
}
