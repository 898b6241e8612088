import DbtCloud
import Foundation

struct HistoryCommand: ShellCommand {
    static let configuration = CommandConfiguration("history", summary: "list the commands typed in earlier and current sessions",
                                                    discussion: "As data, a row per line: {number, command}.",
                                                    fields: HistoryLine.fields.map(\.key))
    @Option("limit", short: "n", valueName: "N", help: "show only the last N lines") var limit: Int?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        guard let file = session.historyFile else {
            session.console.errorLine("history is kept only in interactive sessions")
            return 0
        }
        let lines = HistoryFileReader.lines(of: file)
        let shown = lines.suffix(max(0, limit ?? lines.count))
        let firstNumber = lines.count - shown.count + 1
        let rows = shown.enumerated().map { HistoryLine(number: firstNumber + $0.offset, command: $0.element) }
        try DataOutput(session, output, command: "history").print(DataRows(rows, fields: HistoryLine.fields), report: {
            for row in rows { session.console.line(String(row.number).leftPadded(5) + "  " + row.command) }
        })
        return 0
    }
}

struct HistoryLine {
    let number: Int
    let command: String

    static var fields: [DataField<HistoryLine>] {
        [
            .init("number", .init("#", alignment: .right, priority: 0, truncates: false)) { .int($0.number) },
            .init("command", .init("COMMAND", priority: 1)) { .string($0.command) },
        ]
    }
}

/// Reads libedit's history file (`_HiStOrY_V2_`, one strvis(3)-encoded line per entry).
enum HistoryFileReader {
    static func lines(of file: URL) -> [String] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").dropFirst(text.hasPrefix("_HiStOrY_V2_") ? 1 : 0).map { unvis(String($0)) }
    }

    static func unvis(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "\\"), index + 3 < source.count + 0,
               let value = octal(source[(index + 1)...min(index + 3, source.count - 1)]) {
                bytes.append(value)
                index += 4
                continue
            }
            if byte == UInt8(ascii: "\\"), index + 1 < source.count {
                bytes.append(source[index + 1])
                index += 2
                continue
            }
            bytes.append(byte)
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
