import Foundation

/// `dbtsh --demo` on a pseudo-terminal of 120 columns, colour off, demo runs fast: the start
/// and the end that the terminal suites share.
enum DemoTerminal {
    static let prompt = " > "

    /// Started and showing its first prompt.
    static func start() throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(
            executable: try ProductLocator.executable(named: "dbtsh"),
            arguments: ["--demo"],
            environment: ["NO_COLOR": "1", "DBTSH_DEMO_STEP_SECONDS": "0.05"],
            columns: 120
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
