import Foundation
import LineEditor
import Shell

/// Where commands come from: `-c`, a script file, a terminal, or a pipe.
enum InputSource {
    case commandString(String)
    case scriptFile(String)
    case terminal
    case pipe

    struct Unreadable: Error, CustomStringConvertible {
        let description: String
    }

    static func choose(commands: String?, scriptFile: String?) throws -> InputSource {
        if let commands { return .commandString(commands) }
        if let scriptFile {
            if scriptFile.hasPrefix("-"), !FileManager.default.fileExists(atPath: scriptFile) {
                throw Unreadable(description: "unknown option '\(scriptFile)'; see 'dbtsh --help'")
            }
            guard FileManager.default.isReadableFile(atPath: scriptFile) else {
                throw Unreadable(description: "cannot read script '\(scriptFile)': no such readable file")
            }
            return .scriptFile(scriptFile)
        }
        return Terminal.isInteractive ? .terminal : .pipe
    }

    var isInteractive: Bool {
        if case .terminal = self { return true }
        return false
    }

    /// Whether a command may read standard input: not when the commands come from it.
    var standardInputUse: StandardInputUse {
        switch self {
        case .terminal: .terminal
        case .pipe: .script
        case .commandString, .scriptFile: .free
        }
    }

    /// `historyPolicy` is asked for each line: `login` may have changed the token to keep out.
    func makeReader(historyFile: URL?, historyPolicy: @escaping @Sendable () -> HistoryPolicy, interpreter: Interpreter) -> any LineReader {
        switch self {
        case .commandString(let text):
            return ScriptLineReader(text: text)
        case .scriptFile(let path):
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return ScriptLineReader(text: String(decoding: data, as: UTF8.self))
        case .pipe:
            return PlainLineReader()
        case .terminal:
            let completer = ShellCompletion(interpreter: interpreter)
            return InteractiveLineReader(
                programName: "dbtsh",
                historyFile: historyFile,
                completer: { completer.reply(to: $0) },
                shouldRecord: { historyPolicy().shouldRecord($0) }
            )
        }
    }
}

/// Lines of `-c` text or a script file.
final class ScriptLineReader: LineReader {
    private var lines: [String]
    private var index = 0

    init(text: String) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    func readLine(prompt: String) -> LineReadResult {
        guard index < lines.count else { return .endOfFile }
        defer { index += 1 }
        return .line(lines[index])
    }

    func close() {}
}
