import Testing
@testable import LineEditor

@Suite("Column layout of candidate lists")
struct ColumnLayoutTests {
    @Test func emptyListHasNoLines() {
        #expect(ColumnLayout.lines(for: [], width: 80).isEmpty)
    }

    @Test func fitsOnOneLineWhenWideEnough() {
        #expect(ColumnLayout.lines(for: ["43167", "43168", "50001"], width: 80) == ["43167  43168  50001"])
    }

    @Test func fillsColumnsTopToBottom() {
        let items = ["a1", "a2", "a3", "a4", "a5"]
        // Column width 4: 12 cells fit 3 columns → 2 rows.
        #expect(ColumnLayout.lines(for: items, width: 12) == ["a1  a3  a5", "a2  a4"])
    }

    @Test func oneColumnWhenNothingFits() {
        #expect(ColumnLayout.lines(for: ["a-very-long-name", "another-long-name"], width: 10)
            == ["a-very-long-name", "another-long-name"])
    }

    @Test func padsByDisplayWidthNotByBytes() {
        let lines = ColumnLayout.lines(for: ["Données", "日本", "abc"], width: 80)
        #expect(lines == ["Données  日本     abc"])
    }

    @Test func noLineIsWiderThanTheTerminal() {
        let items = (1...130).map { "Marketing sync \($0)" }
        for width in [20, 40, 80, 132] {
            for line in ColumnLayout.lines(for: items, width: width) {
                #expect(DisplayWidth.of(line) <= width)
            }
        }
    }

    @Test func everyItemAppearsOnceInColumnMajorOrder() {
        let items = (1...17).map { String(format2: $0) }
        let lines = ColumnLayout.lines(for: items, width: 20)
        let rows = lines.count
        let cells = lines.map { $0.split(separator: " ").map(String.init) }
        var reassembled: [String] = []
        let columns = cells.map(\.count).max() ?? 0
        for column in 0..<columns {
            for row in 0..<rows where column < cells[row].count {
                reassembled.append(cells[row][column])
            }
        }
        #expect(reassembled == items)
    }

    @Test(arguments: [
        ("abc", 3), ("Données", 7), ("日本", 4), ("e\u{301}", 1), ("✓", 1), ("🙂", 2), ("", 0),
    ])
    func displayWidth(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }
}

private extension String {
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
