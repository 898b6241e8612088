import Foundation
import Testing

/// TAB on a real terminal, filled from the sandbox's live listings, and the catalog browser.
@Suite("live completion in a pseudo-terminal", .serialized)
struct LiveCompletionTerminalTests {
    static let prompt = DemoTerminal.prompt

    private func startShell() throws -> PseudoTerminal { try DemoTerminal.start() }
    private func leave(_ terminal: PseudoTerminal) throws { try DemoTerminal.leave(terminal) }

    @Test func useJobTabListsTheDemoJobsWithTheirNames() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("use project analytics\r")
            try shell.expect("acme/analytics" + Self.prompt, timeout: 10)
            try shell.type("use job ")
            try shell.pressUntil("Display all 90 possibilities? (y or n)")
            try shell.type("y")
            try shell.expect("43167  Nightly build", timeout: 10)
            try shell.expect("43168  Hourly refresh", timeout: 10)
            try leave(shell)
        }
    }

    @Test func aNamePrefixCompletesToTheJobsID() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("use project analytics\r")
            try shell.expect("acme/analytics" + Self.prompt, timeout: 10)
            try shell.type("use job Nigh")
            try shell.pressUntil("43167 ")
            try shell.type("\r")
            try shell.expect("job 43167" + Self.prompt, timeout: 10)
            try leave(shell)
        }
    }

    @Test func runsStatusTabOffersTheStatuses() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("runs --status \t\t")
            let screen = try shell.expect("cancelled", timeout: 10)
            for status in ["queued", "starting", "running", "success", "error"] {
                try check(screen.contains(status), "missing \(status) in \(screen)")
            }
            try shell.type("\u{15}runs --status e\t")
            try shell.expect("runs --status error ", timeout: 10)
            try leave(shell)
        }
    }

    @Test func catalogBrowseWalksWithTabDownToAColumns() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("use job 43167; use run latest\r")
            try shell.expect("run 902" + Self.prompt, timeout: 10)
            try shell.type("catalog browse\r")
            try shell.expect("catalog /" + Self.prompt, timeout: 15)
            try shell.type("no\t")
            try shell.expect("nodes/", timeout: 10)
            try shell.type("\r")
            try shell.expect("catalog /nodes" + Self.prompt, timeout: 10)
            try shell.type("an\t\r")
            try shell.expect("catalog /nodes/analytics" + Self.prompt, timeout: 10)
            try shell.type("co\t\r")
            try shell.expect("catalog /nodes/analytics/core" + Self.prompt, timeout: 10)
            try shell.type("..\r")
            try shell.expect("catalog /nodes/analytics" + Self.prompt, timeout: 10)
            try shell.type("core/dim_cu\t")
            try shell.expect("core/dim_customers ", timeout: 10)
            try shell.type("\r")
            try shell.expect("Row Count: 600", timeout: 10)
            try shell.expect("customer_segment", timeout: 10)
            try shell.expect("catalog /nodes/analytics/core/dim_customers" + Self.prompt, timeout: 10)
            try shell.type("..\r")
            try shell.expect("catalog /nodes/analytics/core" + Self.prompt, timeout: 10)
            try shell.type("exit\r")
            try shell.expect("run 902" + Self.prompt, timeout: 10)
            try leave(shell)
        }
    }
}
