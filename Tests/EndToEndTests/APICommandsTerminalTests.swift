import Foundation
import Testing

/// Issue 14 on a real terminal: `api` path completion, and a change that asks before it is sent.
@Suite("api completion and confirmations in a pseudo-terminal", .serialized)
struct APICommandsTerminalTests {
    static let prompt = DemoTerminal.prompt

    private func startShell() throws -> PseudoTerminal { try DemoTerminal.start() }
    private func leave(_ terminal: PseudoTerminal) throws { try DemoTerminal.leave(terminal) }

    @Test func apiPathCompletesSegmentBySegmentAndRuns() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("api GET /api/v3/accounts/{account}/")
            let listing = try shell.pressUntil("projects/  GET") + shell.expect("> api GET /api/v3/accounts/{account}/", timeout: 10)
            try check(listing.contains("audit-logs/  GET"), "\(listing)")
            try check(listing.contains("invites/  POST"), "paths without a GET are listed too, after the others: \(listing)")
            try shell.type("proj\t")
            try shell.expect("projects/", timeout: 10)
            try shell.type("\r")
            try shell.expect("\"name\": \"marketing\"", timeout: 10)
            try shell.expect(Self.prompt, timeout: 10)
            try leave(shell)
        }
    }

    @Test func aDeleteAsksOnTheTerminalAndNoKeepsTheProject() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("project delete marketing\r")
            try shell.expect("delete project 101 'marketing'? [y/N] ", timeout: 10)
            try shell.waitForCanonicalMode()
            try shell.send("n\r")
            try shell.expect("not deleted", timeout: 10)
            try shell.expect(Self.prompt, timeout: 10)
            try shell.type("projects\r")
            try shell.expect("marketing", timeout: 10)
            try leave(shell)
        }
    }
}
