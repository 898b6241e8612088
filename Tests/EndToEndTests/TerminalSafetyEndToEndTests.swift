import Foundation
import Sandbox
import Testing

/// The built dbtsh against a server that names things with escape sequences: the prompt and
/// libedit's completion list show them, never obey them (issue 11.1); `query -` cannot eat a
/// piped script (issue 12.1).
@Suite("terminal safety of the built dbtsh", .serialized)
struct TerminalSafetyEndToEndTests {
    /// Retitles the terminal, clears the screen, writes the clipboard, a C1 CSI; as JSON text.
    static let hostileJSON = "Evil\\u001b]0;pwned\\u0007\\u001b[2J\\u001b]52;c;cHduZWQ=\\u0007\\u009b31m"
    static let rawSequences = ["\u{1B}]0;pwned", "\u{1B}]52;", "\u{9B}31m", "\u{1B}[2J", "pwned\u{7}"]

    static func envelope(_ data: String) -> String {
        #"{"status":{"code":200,"is_success":true},"data":\#(data),"extra":{}}"#
    }

    @Test("the prompt and the TAB list show a hostile account and job name visibly")
    func promptAndCompletionList() async throws {
        try await withFaultSandbox { server, home in
            let url = server.baseURL.absoluteString
            let transcript = try await onOwnThread { () throws -> String in
                let shell = try PseudoTerminal(
                    executable: try ProductLocator.executable(named: "dbtsh"), arguments: ["--host", url],
                    environment: ["NO_COLOR": "1", "DBT_CLOUD_API_TOKEN": DemoWorld.token, "DBT_CLOUD_ACCOUNT_ID": "43"],
                    home: home.root, columns: 120)
                try shell.expect(" > ", timeout: 30)
                try shell.pressUntil("dbt acme > ", keys: "\r")  // the account's name has arrived
                server.faults.add(FaultRule(.respond(status: 200, json: Self.envelope(#"[{"id":43,"name":"\#(Self.hostileJSON)"}]"#)),
                                            times: 1, method: "GET", pathContains: "/accounts/"))
                server.faults.add(FaultRule(.respond(status: 200, json: Self.envelope(
                    #"[{"id":43167,"name":"Nightly build"},{"id":43168,"name":"\#(Self.hostileJSON)"}]"#)),
                                            method: "GET", pathContains: "/jobs/"))
                try shell.type("use account 43\r")
                try shell.expect("dbt evil^[]0;pwned^G^[[ > ", timeout: 10)
                try shell.type("use job 4316")
                try shell.pressUntil("43168  Evil^[]0;pwned^G^[[2J^[]52;c;cHduZWQ=^G<9B>31m")
                try shell.type("\u{15}\u{04}")
                try check(try shell.waitForExit(timeout: 10) == 0, "exit status")
                return shell.rawTranscript
            }
            for sequence in Self.rawSequences {
                #expect(!transcript.contains(sequence), "\(sequence.debugDescription) reached the terminal: \(transcript.debugDescription)")
            }
        }
    }

    @Test("job delete asks on the terminal and takes no for an answer")
    func confirmationOnTheTerminal() async throws {
        try await onOwnThread {
            let shell = try DemoTerminal.start(environment: ["NO_COLOR": "1"])
            try shell.type("job delete 43168\r")
            try shell.expect("delete job 43168 'Hourly refresh'? [y/N] ", timeout: 10)
            try shell.waitForCanonicalMode()
            try shell.send("n\r")
            try shell.expect("not deleted", timeout: 10)
            try shell.type("show job 43168\r")
            try shell.expect("Hourly refresh", timeout: 10)
            try shell.type("\u{04}")
            try check(try shell.waitForExit(timeout: 10) == 0, "exit status")
        }
    }

    @Test("query - reads the terminal until Ctrl-D, then the shell carries on")
    func queryFromTheTerminal() async throws {
        try await onOwnThread {
            let shell = try DemoTerminal.start(environment: ["NO_COLOR": "1"])
            try shell.type("query -\r")
            try shell.expect("query -: reading standard input; end it with Ctrl-D", timeout: 10)
            try shell.waitForCanonicalMode()
            try shell.send("query { environment(id: 202) { applied { models(first: 1) { totalCount } } } }\n\u{04}")
            try shell.expect("\"totalCount\"", timeout: 10)
            try shell.type("context\r")
            try shell.expect("account: 43", timeout: 10)
            try shell.type("\u{04}")
            try check(try shell.waitForExit(timeout: 10) == 0, "exit status")
        }
    }

    @Test("query - in a piped script is refused in one line and the script's next lines still run")
    func queryFromAPipedScript() async throws {
        try await withFaultSandbox { server, home in
            let result = try await SpawnedDbtsh.run(script: "set errexit off\nquery -\ncontext\n", on: server, home: home)
            #expect(result.stderrLines == ["error: query -: standard input is the script being run; put the text in a file and give its path"],
                    "\(result)")
            #expect(result.stdoutLines.count == 1 && result.stdoutLines.first?.hasPrefix("account: 43") == true, "context ran: \(result)")
            #expect(server.requestLog.entries().allSatisfy { !$0.path.contains("graphql") })
            let stops = try await SpawnedDbtsh.run(script: "query -\ncontext\n", on: server, home: home)
            #expect(stops.status == 2 && stops.stdout.isEmpty, "errexit stops the script: \(stops)")
        }
    }
}
