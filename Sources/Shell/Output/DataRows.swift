import DbtCloud
import TerminalText

/// One field of what a command prints: its key (the JSON key, the CSV header and the
/// `--fields` name, snake_case as the API's), how it shows in a table, and its value.
struct DataField<Item> {
    let key: String
    let column: Table.Column
    /// False for fields that only `--fields` (and JSON) show.
    var inTable: Bool
    let value: (Item) -> JSONValue
    /// What a person reads in a table or markdown (a short date, `17s`); default: the value.
    let text: ((Item) -> String)?
    let style: ((Item) -> TextStyle?)?

    init(_ key: String, _ column: Table.Column, inTable: Bool = true, text: ((Item) -> String)? = nil,
         style: ((Item) -> TextStyle?)? = nil, value: @escaping (Item) -> JSONValue) {
        self.key = key
        self.column = column
        self.inTable = inTable
        self.value = value
        self.text = text
        self.style = style
    }

    /// The value of `key` in the item's API object (`raw`): what the JSON of a listing prints too.
    static func raw(_ key: String, _ column: Table.Column, inTable: Bool = true, raw: @escaping (Item) -> JSONValue,
                    text: ((Item) -> String)? = nil, style: ((Item) -> TextStyle?)? = nil) -> DataField {
        DataField(key, column, inTable: inTable, text: text, style: style) { raw($0)[key] ?? .null }
    }
}

/// What a command prints, produced once from its items: rows of fields, and the API's objects
/// when its JSON is the API's `data`. `DataOutput` renders it in the chosen format.
struct DataRows {
    struct Field {
        let key: String
        let column: Table.Column
        let inTable: Bool
    }

    struct Row {
        var values: [JSONValue]
        var texts: [String]
        var styles: [TextStyle?]
        /// The API's object (a listing's JSON), when there is one.
        var raw: JSONValue?
    }

    var fields: [Field]
    var rows: [Row]
    /// True when JSON is the API's objects as they came (the contract of listings and `show`).
    var jsonIsRaw: Bool

    init<Item>(_ items: [Item], fields: [DataField<Item>], raw: ((Item) -> JSONValue)? = nil) {
        self.fields = fields.map { Field(key: $0.key, column: $0.column, inTable: $0.inTable) }
        self.jsonIsRaw = raw != nil
        self.rows = items.map { item in
            let values = fields.map { $0.value(item) }
            return Row(values: values,
                       texts: zip(fields, values).map { field, value in field.text?(item) ?? value.cellText },
                       styles: fields.map { $0.style?(item) ?? nil },
                       raw: raw?(item))
        }
    }

    /// Every name `--fields` accepts: the declared fields, then the keys of the API's objects.
    var knownKeys: [String] {
        var keys = fields.map(\.key)
        var seen = Set(keys)
        for row in rows {
            for key in (row.raw?.objectValue?.keys).map({ $0.sorted() }) ?? [] where seen.insert(key).inserted {
                keys.append(key)
            }
        }
        return keys
    }

    /// The columns for `names` (`--fields`), or the table's default ones. A name that is not a
    /// declared field but a key of the API's objects becomes a column of those values.
    func selection(_ names: [String]?, command: String) throws -> Selection {
        guard let names else {
            return Selection(columns: fields.indices.filter { fields[$0].inTable }.map { .field($0) }, explicit: false)
        }
        let known = knownKeys
        var columns: [Selection.Column] = []
        for name in names {
            if let index = fields.firstIndex(where: { $0.key == name }) {
                columns.append(.field(index))
            } else if known.contains(name) {
                columns.append(.rawKey(name))
            } else {
                let hint = Suggestion.nearest(to: name, in: known).map { " (did you mean \($0)?)" } ?? ""
                throw CommandFailure.usage("\(command): unknown field '\(name)'\(hint); fields: \(fields.map(\.key).joined(separator: ", "))")
            }
        }
        return Selection(columns: columns, explicit: true)
    }

    struct Selection {
        enum Column: Equatable {
            case field(Int)
            case rawKey(String)
        }

        var columns: [Column]
        /// True when `--fields` chose them.
        var explicit: Bool
    }

    func key(_ column: Selection.Column) -> String {
        switch column {
        case .field(let index): fields[index].key
        case .rawKey(let key): key
        }
    }

    func value(_ column: Selection.Column, in row: Row) -> JSONValue {
        switch column {
        case .field(let index): row.values[index]
        case .rawKey(let key): row.raw?[key] ?? .null
        }
    }

    func text(_ column: Selection.Column, in row: Row) -> String {
        switch column {
        case .field(let index): row.texts[index]
        case .rawKey(let key): (row.raw?[key] ?? .null).cellText
        }
    }

    /// A row as a JSON object. With the API's objects: the object itself, or its keys that
    /// `--fields` names (a declared field it lacks comes from the field). Otherwise the
    /// chosen fields, or every field.
    func object(_ row: Row, _ selection: Selection) -> JSONValue {
        if jsonIsRaw, let raw = row.raw {
            guard selection.explicit else { return raw }
            var picked: [String: JSONValue] = [:]
            for column in selection.columns {
                let key = key(column)
                picked[key] = raw.objectValue?[key] ?? value(column, in: row)
            }
            return .object(picked)
        }
        let columns = selection.explicit ? selection.columns : fields.indices.map { Selection.Column.field($0) }
        var object: [String: JSONValue] = [:]
        for column in columns { object[key(column)] = value(column, in: row) }
        return .object(object)
    }

    /// What a table shows for `column`: for an API key whose name has a declared field
    /// (`status`, with `status_name`), that field, as the default table shows it.
    func tableColumn(_ column: Selection.Column) -> Selection.Column {
        guard case .rawKey(let key) = column, let named = fields.firstIndex(where: { $0.key == key + "_name" }) else { return column }
        return .field(named)
    }

    func table(_ selection: Selection) -> Table {
        let shown = selection.columns.map(tableColumn)
        let columns = shown.map { column -> Table.Column in
            switch column {
            case .field(let index): return fields[index].column
            case .rawKey(let key): return Table.Column(key.uppercased(), priority: 5)
            }
        }
        let cells = rows.map { row in
            shown.map { column -> Table.Cell in
                switch column {
                case .field(let index): return Table.Cell(row.texts[index], style: row.styles[index])
                case .rawKey: return Table.Cell(text(column, in: row))
                }
            }
        }
        return Table(columns: columns, rows: cells)
    }
}

extension JSONValue {
    /// A value as one cell of a table or a CSV file: text as it is, numbers and booleans as
    /// JSON writes them, nothing for null, a list of texts or numbers joined by commas,
    /// anything else as compact JSON.
    var cellText: String {
        switch self {
        case .null: return ""
        case .string(let text): return text
        case .array(let items) where items.allSatisfy({ $0.stringValue != nil || $0.intValue != nil }):
            return items.map { $0.stringValue ?? $0.compactText }.joined(separator: ", ")
        default: return compactText
        }
    }
}
