import Foundation

/// `dbtsh --demo` on a pseudo-terminal, shown its first prompt: how every terminal suite starts
/// the demo. By default 120 columns, colour off and demo runs fast.
enum DemoTerminal {
    static let prompt = " > "
    static let plainAndFast = ["NO_COLOR": "1", "DBTSH_DEMO_STEP_SECONDS": "0.05"]

    /// Started with `--demo` and `arguments`, and showing its first prompt.
    static func start(
        arguments: [String] = [], environment: [String: String] = plainAndFast, home: URL? = nil,
        columns: Int = 120, rows: Int = 24
    ) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(
            executable: try ProductLocator.executable(named: "dbtsh"),
            arguments: ["--demo"] + arguments,
            environment: environment,
            home: home,
            columns: columns,
            rows: rows
        )
        try terminal.expect(prompt, timeout: 30)
        return terminal
    }

    /// Clears the line, sends end of input and checks that dbtsh exited with 0.
    static func leave(_ terminal: PseudoTerminal) throws {
        try terminal.type("\u{15}\u{04}")
        try check(try terminal.waitForExit(timeout: 10) == 0, "dbtsh did not exit with 0")
    }
}
