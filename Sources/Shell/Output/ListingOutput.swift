import DbtCloud
import Foundation

/// Prints a listing as a table, or as the API's `data` (an array of raw objects) in JSON.
struct ListingOutput<Item> {
    let columns: [String]
    let numeric: Set<Int>
    let row: (Item) -> [String]
    let raw: (Item) -> JSONValue

    init(columns: [String], numeric: Set<Int> = [0], row: @escaping (Item) -> [String], raw: @escaping (Item) -> JSONValue) {
        self.columns = columns
        self.numeric = numeric
        self.row = row
        self.raw = raw
    }

    func print(_ items: [Item], output: OutputOptions, session: Session, emptyMessage: String) {
        if output.wantsJSON(in: session) {
            session.console.line(JSONValue.array(items.map(raw)).prettyText)
            return
        }
        if items.isEmpty {
            session.console.errorLine(emptyMessage)
            return
        }
        session.printTable(Table(headers: columns, rows: items.map(row), numeric: numeric))
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
