import Foundation
import Testing

/// The committed scripts in `completions/` must be exactly what the built `dbtsh` generates
/// (swift-argument-parser's `--generate-completion-script`), so they never go stale.
@Suite("completion scripts in completions/")
struct CompletionScriptsTests {
    /// The repository root: this file is `Tests/EndToEndTests/CompletionScriptsTests.swift`.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(arguments: [
        ("bash", "completions/dbtsh.bash"),
        ("zsh", "completions/_dbtsh"),
        ("fish", "completions/dbtsh.fish"),
    ])
    func committedScriptMatchesTheGeneratedOne(shell: String, path: String) throws {
        let generated = try Self.generate(shell)
        #expect(!generated.isEmpty, "dbtsh --generate-completion-script \(shell) printed nothing")

        let file = Self.repository.appendingPathComponent(path)
        guard let committed = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("\(path) is missing; run `make completions` and commit completions/")
            return
        }
        if committed != generated {
            Issue.record(
                """
                \(path) is stale: it differs from `dbtsh --generate-completion-script \(shell)` \
                (\(Self.firstDifference(committed, generated))); run `make completions` and commit completions/
                """)
        }
    }

    /// Where two texts part, as "line N: committed `…`, generated `…`" (without dumping whole scripts).
    static func firstDifference(_ committed: String, _ generated: String) -> String {
        let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let new = generated.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(old.count, new.count) {
            let left = index < old.count ? String(old[index]) : "<end of file>"
            let right = index < new.count ? String(new[index]) : "<end of file>"
            if left != right {
                return "line \(index + 1): committed `\(left.prefix(120))`, generated `\(right.prefix(120))`"
            }
        }
        return "same lines"
    }

    /// Runs the built dbtsh beside the tests and returns its stdout.
    private static func generate(_ shell: String) throws -> String {
        let process = Process()
        process.executableURL = try ProductLocator.executable(named: "dbtsh")
        process.arguments = ["--generate-completion-script", shell]
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        process.environment = environment
        let output = Pipe()
        // stderr goes to a file, so a chatty child can never block on a second full pipe.
        let errorFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("dbtsh-completion-\(shell)-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errors = try FileHandle(forWritingTo: errorFile)
        defer { try? errors.close() }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw PseudoTerminal.Failure(
                description: "dbtsh --generate-completion-script \(shell) exited \(process.terminationStatus): \(stderr)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
