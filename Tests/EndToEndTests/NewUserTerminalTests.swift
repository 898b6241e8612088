import Foundation
import Sandbox
import Testing

/// What a new user tripped over at 60 and 120 columns (issue 15), on a real pseudo-terminal:
/// which account the prompt names, the catalog browser's own history, feedback while TAB
/// waits for a slow server, `clear`.
@Suite("a new user's session in a pseudo-terminal", .serialized)
struct NewUserTerminalTests {
    static let prompt = DemoTerminal.prompt

    private func demo(columns: Int) throws -> PseudoTerminal {
        try DemoTerminal.start(columns: columns)
    }

    private func connected(to server: SandboxServer, home: ScratchHome, columns: Int) throws -> PseudoTerminal {
        try PseudoTerminal(executable: try ProductLocator.executable(named: "dbtsh"), arguments: ["--host", server.baseURL.absoluteString],
                           environment: ["NO_COLOR": "1", "DBT_CLOUD_API_TOKEN": DemoWorld.token, "DBT_CLOUD_ACCOUNT_ID": "43"],
                           home: home.root, columns: columns)
    }

    private func leave(_ terminal: PseudoTerminal) throws {
        try terminal.type("\u{15}\u{04}")
        try check(try terminal.waitForExit(timeout: 10) == 0, "exit status")
    }

    @Test("--account 43 next to account 44: the prompt names the account, short enough at 60 columns")
    func thePromptNamesTheAccount() async throws {
        try await withFaultSandbox(secondAccount: true) { server, home in
            try await onOwnThread {
                let shell = try connected(to: server, home: home, columns: 60)
                try shell.expect(Self.prompt, timeout: 30)
                try shell.pressUntil("dbt acme-analytics > ", keys: "\r")
                try shell.type("use job 43167; use run latest\r")
                let line = try shell.expect("job 43167 run 902 > ", timeout: 10)
                try check(line.hasSuffix("dbt acme-analytics job 43167 run 902 > "), "prompt at 60 columns: \(line.debugDescription)")
                try shell.type("context\r")
                try shell.expect("account: 43 (Acme Analytics)", timeout: 10)
                try shell.type("use account 44\r")
                try shell.expect("dbt acme-sandbox > ", timeout: 10)
                try leave(shell)
            }
        }
    }

    @Test("lines typed in the catalog browser stay out of the shell's history: Up after leaving it is not 'exit'")
    func theBrowserKeepsItsOwnHistory() async throws {
        try await onOwnThread {
            let shell = try demo(columns: 120)
            try shell.type("use run 902\r")
            try shell.expect("run 902" + Self.prompt, timeout: 10)
            try shell.type("catalog browse\r")
            try shell.expect("catalog /" + Self.prompt, timeout: 15)
            try shell.type("cd nodes/warehouse\r")
            try shell.expect("catalog /nodes/warehouse" + Self.prompt, timeout: 10)
            try shell.type("exit\r")
            try shell.expect("run 902" + Self.prompt, timeout: 10)
            try shell.type("\u{1B}[A")
            try shell.expect("catalog browse", timeout: 10)
            try shell.type("\r")
            try shell.expect("catalog /" + Self.prompt, timeout: 15)
            try shell.type("\u{1B}[A")
            try shell.expect("exit", timeout: 10)
            try shell.type("\u{1B}[A")
            try shell.expect("cd nodes/warehouse", timeout: 10)
            try shell.type("\u{15}exit\r")
            try shell.expect("run 902" + Self.prompt, timeout: 10)
            try leave(shell)
        }
    }

    @Test("TAB on a server that takes 3 s a page says the listing is loading, then lists it")
    func aSlowListingShowsThatItIsLoading() async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(.slow(seconds: 3), times: 1, method: "GET", pathContains: "/jobs/"))
            try await onOwnThread {
                let shell = try connected(to: server, home: home, columns: 120)
                try shell.expect(Self.prompt, timeout: 30)
                try shell.type("use job 4316")
                try shell.type("\t")
                try shell.expect("loading jobs from dbt Cloud…", timeout: 10)
                try shell.expect(Self.prompt + "use job 4316", timeout: 10)
                try shell.pressUntil("43167  Nightly build")
                try leave(shell)
            }
        }
    }

    @Test("artifacts get <TAB> on a run with 154 artifacts lists folders, not 154 possibilities")
    func artifactPathsCompleteAFolderAtATime() async throws {
        var paths = ["catalog.json", "manifest.json", "run_results.json"]
        for folder in ["compiled", "run"] {
            paths += (1...75).map { "\(folder)/lumen_shop/models/\(["staging", "marts"][$0 % 2])/model_\($0).sql" }
        }
        let list = paths.map { "\"\($0)\"" }.joined(separator: ",")
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(.respond(status: 200, json: #"{"status":{"code":200,"is_success":true},"data":[\#(list)]}"#),
                                        method: "GET", pathContains: "/runs/902/artifacts/"))
            try await onOwnThread {
                let shell = try connected(to: server, home: home, columns: 120)
                try shell.expect(Self.prompt, timeout: 30)
                try shell.type("use run 902\r")
                try shell.expect("run 902" + Self.prompt, timeout: 10)
                try shell.type("artifacts get ")
                let listed = try shell.pressUntil("compiled/")
                try check(!listed.contains("possibilities"), "asked to display them all: \(listed.debugDescription)")
                try shell.type("co\t")
                try shell.expect("artifacts get compiled/", timeout: 10)
                try shell.type("\t")
                try shell.expect("lumen_shop/", timeout: 10)
                try leave(shell)
            }
        }
    }

    @Test func clearClearsTheScreen() async throws {
        try await onOwnThread {
            let shell = try demo(columns: 60)
            let clearScreen = "\u{1B}[H\u{1B}[2J"
            try check(!shell.rawTranscript.contains(clearScreen), "cleared before 'clear'")
            try shell.type("clear\r")
            try shell.expect(Self.prompt, timeout: 10)
            try check(shell.rawTranscript.contains(clearScreen), "no clear-screen in \(shell.rawTranscript.debugDescription)")
            try leave(shell)
        }
    }

    @Test("the demo's greeting fits 60 columns")
    func theGreetingFitsANarrowTerminal() async throws {
        try await onOwnThread {
            let shell = try demo(columns: 60)
            let greeting = shell.transcript.split(separator: "\n").prefix { !$0.contains(Self.prompt) }
            try check(greeting.count >= 3, "greeting: \(shell.transcript.debugDescription)")
            try check(greeting.allSatisfy { $0.count <= 60 }, "a line wider than 60 columns: \(greeting)")
            try leave(shell)
        }
    }
}
