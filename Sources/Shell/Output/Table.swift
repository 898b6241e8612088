import TerminalText

/// Aligned columns: sized to the terminal on a terminal, the same without truncation through a
/// pipe. When a row is wider than the terminal, free-text columns shrink (cut with `…`): first
/// the widest gives up what only its few longest cells need (so two wide columns are cut in
/// balance), then from the least important up; when that is not enough the least important
/// columns are left out; ids, dates and statuses are never cut. The header is styled as a heading; a cell may
/// carry a style (a status in its colour) that shows only where colour is on.
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var header: String
        public var alignment: Alignment
        /// 0 is the most important column (kept whatever the width); higher numbers shrink and go first.
        public var priority: Int
        /// Free text that may be cut with an ellipsis; other columns are shown whole or left out.
        public var truncates: Bool
        /// The narrowest a column that truncates is cut to (a name needs more than a cause).
        public var minimumWidth: Int

        public init(_ header: String, alignment: Alignment = .left, priority: Int = 1, truncates: Bool = true, minimumWidth: Int = 8) {
            self.header = header
            self.alignment = alignment
            self.priority = priority
            self.truncates = truncates
            self.minimumWidth = minimumWidth
        }
    }

    public struct Cell: Sendable, ExpressibleByStringLiteral {
        public var text: String
        public var style: TextStyle?

        public init(_ text: String, style: TextStyle? = nil) {
            self.text = text
            self.style = style
        }

        public init(stringLiteral text: String) { self.init(text) }
    }

    public var columns: [Column]
    public var rows: [[Cell]]

    public init(columns: [Column], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Columns of equal importance, the widest shrinking first; `numeric` columns right-align.
    public init(headers: [String], rows: [[String]] = [], numeric: Set<Int> = []) {
        self.columns = headers.enumerated().map { index, header in
            Column(header, alignment: numeric.contains(index) ? .right : .left)
        }
        self.rows = rows.map { $0.map { Cell($0) } }
    }

    /// The table, each line after `indent`; cells show their first line with control characters made visible.
    public func render(width: Int?, indent: String = "") -> ConsoleText {
        guard !columns.isEmpty else { return ConsoleText() }
        let cells = rows.map { row in
            columns.indices.map { $0 < row.count ? Cell(Self.cell(row[$0].text), style: row[$0].style) : Cell("") }
        }
        var natural = columns.map { $0.header.count }
        for row in cells {
            for (index, cell) in row.enumerated() { natural[index] = max(natural[index], cell.text.count) }
        }
        let typical = columns.indices.map { index in
            Self.typicalWidth(header: columns[index].header, cells: cells.map { $0[index].text.count })
        }
        let layout = width.map { Self.layout(columns, natural: natural, typical: typical, into: $0 - indent.count) }
            ?? Layout(visible: Array(columns.indices), widths: natural)
        var text = ConsoleText(indent)
        text.append(line(columns.map { Cell($0.header) }, layout: layout, style: .heading))
        text.append("\n")
        for row in cells {
            text.append(indent)
            text.append(line(row, layout: layout, style: nil))
            text.append("\n")
        }
        return text
    }

    struct Layout: Equatable {
        /// The columns shown, in order.
        var visible: [Int]
        /// Every column's width (those left out keep their natural width).
        var widths: [Int]
    }

    /// The width most of a column's cells fit (three in four): what is wider is an outlier, cut first.
    static func typicalWidth(header: String, cells: [Int]) -> Int {
        let sorted = cells.sorted()
        guard !sorted.isEmpty else { return header.count }
        return max(header.count, sorted[min(sorted.count - 1, sorted.count * 3 / 4)])
    }

    /// Which columns show and how wide, for a line of `total` characters. `typical` is each
    /// column's `typicalWidth` (its natural width when not given: no cell is an outlier).
    static func layout(_ columns: [Column], natural: [Int], typical: [Int]? = nil, into total: Int) -> Layout {
        func minimum(_ index: Int) -> Int {
            columns[index].truncates ? min(natural[index], max(columns[index].minimumWidth, columns[index].header.count)) : natural[index]
        }
        func width(of visible: [Int], _ widths: (Int) -> Int) -> Int {
            visible.map(widths).reduce(0, +) + 2 * max(0, visible.count - 1)
        }
        var visible = Array(columns.indices)
        while width(of: visible, minimum) > total {
            // The least important column goes; of equals, the rightmost.
            guard let dropped = visible.filter({ columns[$0].priority > 0 })
                .max(by: { (columns[$0].priority, $0) < (columns[$1].priority, $1) }) else { break }
            visible.removeAll { $0 == dropped }
        }
        var widths = natural
        var overflow = width(of: visible, { natural[$0] }) - total
        let shrinking = visible.filter { columns[$0].truncates }
            .sorted { (columns[$0].priority, natural[$0]) > (columns[$1].priority, natural[$1]) }
        // Outliers first, in balance: the widest column gives up width down to the next widest,
        // none below the width most of its cells fit; of equals, the least important first.
        func usual(_ index: Int) -> Int {
            let mostCells = typical.flatMap { index < $0.count ? $0[index] : nil } ?? natural[index]
            return max(minimum(index), min(natural[index], mostCells))
        }
        while overflow > 0 {
            let wider = shrinking.filter { widths[$0] > usual($0) }
            guard let widest = wider.max(by: { (widths[$0], columns[$0].priority) < (widths[$1], columns[$1].priority) }) else { break }
            let next = wider.filter { $0 != widest }.map { widths[$0] }.max() ?? 0
            let cut = max(1, min(overflow, widths[widest] - max(usual(widest), next)))
            widths[widest] -= cut
            overflow -= cut
        }
        for index in shrinking where overflow > 0 {
            let cut = min(overflow, widths[index] - minimum(index))
            widths[index] -= cut
            overflow -= cut
        }
        return Layout(visible: visible, widths: widths)
    }

    /// One line; `style` (the header's) covers the whole line, else each cell has its own.
    private func line(_ row: [Cell], layout: Layout, style: TextStyle?) -> ConsoleText {
        if let style {
            return .styled(line(row.map { Cell($0.text) }, layout: layout, style: nil).plain, style)
        }
        var text = ConsoleText()
        for (position, index) in layout.visible.enumerated() {
            let width = layout.widths[index]
            let cell = row[index]
            let shown = cell.text.count > width ? String(cell.text.prefix(max(0, width - 1))) + "…" : cell.text
            let pad = String(repeating: " ", count: max(0, width - shown.count))
            let isLast = position == layout.visible.count - 1
            if position > 0 { text.append("  ") }
            if columns[index].alignment == .right { text.append(pad) }
            text.append(shown, style: cell.style ?? style)
            if columns[index].alignment == .left, !isLast { text.append(pad) }
        }
        return text
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
}

extension Session {
    public func printTable(_ table: Table) {
        console.out(table.render(width: console.width))
    }
}
