import DbtCloud
import Foundation

/// A listing of API objects: fields for the table and the other formats, and the API's
/// object of each item for JSON (the contract: `--json` prints the API's `data`).
struct ListingOutput<Item> {
    let fields: [DataField<Item>]
    let raw: (Item) -> JSONValue

    init(fields: [DataField<Item>], raw: @escaping (Item) -> JSONValue) {
        self.fields = fields
        self.raw = raw
    }

    /// Columns named by their headers (keys: the headers in snake_case), all of equal importance.
    init(columns: [String], numeric: Set<Int> = [0], row: @escaping (Item) -> [String], raw: @escaping (Item) -> JSONValue) {
        self.init(columns: columns.enumerated().map { index, header in
            Table.Column(header, alignment: numeric.contains(index) ? .right : .left)
        }, row: row, raw: raw)
    }

    /// Columns with their own importance and width rules (keys: the headers in snake_case).
    init(columns: [Table.Column], row: @escaping (Item) -> [String], raw: @escaping (Item) -> JSONValue) {
        self.fields = columns.enumerated().map { index, column in
            DataField(column.header.lowercased().replacingOccurrences(of: " ", with: "_"), column) { item in
                let cells = row(item)
                return index < cells.count ? .string(cells[index]) : .null
            }
        }
        self.raw = raw
    }

    func rows(_ items: [Item]) -> DataRows { DataRows(items, fields: fields, raw: raw) }

    func print(_ items: [Item], output: OutputOptions, session: Session, emptyMessage: String, command: String = "--fields") throws {
        try DataOutput(session, output, command: command).print(rows(items), emptyMessage: emptyMessage)
    }
}

enum TimeText {
    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter
    }()

    static func short(_ date: Date) -> String { formatter.string(from: date) }

    static func duration(_ seconds: TimeInterval?) -> String {
        guard let seconds else { return "" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", (total % 3600) / 60))m"
    }
}
