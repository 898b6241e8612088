import TerminalText

/// Aligned columns: sized to the terminal on a terminal (the widest column is cut with
/// an ellipsis), the same without truncation through a pipe. The header is styled as a
/// heading (bold where colour is on).
public struct Table: Sendable {
    public var headers: [String]
    public var rows: [[String]]
    /// Columns that right-align (numbers, durations).
    public var numeric: Set<Int>

    public init(headers: [String], rows: [[String]] = [], numeric: Set<Int> = []) {
        self.headers = headers
        self.rows = rows
        self.numeric = numeric
    }

    /// The table, each line after `indent`; cells show their first line with control characters made visible.
    public func render(width: Int?, indent: String = "") -> ConsoleText {
        guard !headers.isEmpty else { return ConsoleText() }
        let cells = rows.map { row in (0..<headers.count).map { $0 < row.count ? Self.cell(row[$0]) : "" } }
        var widths = headers.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        if let width { widths = Self.fit(widths, into: width - indent.count) }
        var text = ConsoleText(indent)
        text.append(render(row: headers, widths: widths), style: .heading)
        text.append("\n")
        for row in cells { text.append(indent + render(row: row, widths: widths) + "\n") }
        return text
    }

    private func render(row: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in row.enumerated() {
            let limited = cell.count > widths[index] ? String(cell.prefix(max(0, widths[index] - 1))) + "…" : cell
            let pad = String(repeating: " ", count: max(0, widths[index] - limited.count))
            let isLast = index == row.count - 1
            if numeric.contains(index) {
                parts.append(pad + limited)
            } else {
                parts.append(isLast ? limited : limited + pad)
            }
        }
        return parts.joined(separator: "  ")
    }

    /// A cell as shown: its first line, control characters made visible (so widths are true).
    static func cell(_ text: String) -> String {
        VisibleControls.escaping(singleLine(text), .singleLine)
    }

    /// Multi-line text (a YAML description) as one line: its first paragraph, its lines joined,
    /// then ` …` when more follows.
    static func singleLine(_ text: String) -> String {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        guard lines.count > 1 else { return text }
        let isBlank: (Substring) -> Bool = { $0.allSatisfy(\.isWhitespace) }
        let rest = lines.drop(while: isBlank)
        let paragraph = rest.prefix(while: { !isBlank($0) })
        let joined = paragraph.map { String($0).trimmingWhitespace }.joined(separator: " ")
        let more = rest.dropFirst(paragraph.count).contains { !isBlank($0) }
        return more ? joined + " …" : joined
    }

    /// Shrinks the widest columns until the row fits, never below 6 characters.
    static func fit(_ widths: [Int], into total: Int) -> [Int] {
        var widths = widths
        let separators = 2 * (widths.count - 1)
        while widths.reduce(0, +) + separators > total {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 6 else { break }
            widths[widest] -= 1
        }
        return widths
    }
}

extension Session {
    public func printTable(_ table: Table) {
        console.out(table.render(width: console.width))
    }
}
