import DbtCloud
import Foundation

/// The one place where the output format is applied: a command hands over what it produced
/// (rows, one record, or a text with rows behind it) and `DataOutput` prints it as a table,
/// JSON, JSON lines, CSV, TSV or markdown.
///
/// - table: aligned columns fitted to the terminal, or the command's own text (a report, a log).
/// - json: one pretty document (snake_case keys); a listing's JSON is the API's objects as they came.
/// - jsonl: one compact object per row.
/// - csv, tsv, markdown: a header of field keys (markdown: the table's headers) and a line per row.
///
/// CSV, TSV and markdown go byte for byte into a pipe or a file; on a terminal their control
/// characters are made visible. JSON escapes them.
struct DataOutput {
    let session: Session
    let options: OutputOptions
    /// Named in errors (`runs: unknown field …`).
    let command: String

    init(_ session: Session, _ options: OutputOptions, command: String) {
        self.session = session
        self.options = options
        self.command = command
    }

    var format: OutputFormat { options.format(in: session) }

    /// Rows of a listing. `report` prints the table format instead of a table of the rows
    /// (`failures`, `diff`), unless `--fields` chose columns. `document` wraps the JSON of the
    /// rows (`failures`: the report with its rows as `problems`).
    func print(_ data: DataRows, emptyMessage: String? = nil, document: ((JSONValue) -> JSONValue)? = nil,
               report: (() -> Void)? = nil) throws {
        let selection = try data.selection(options.fields, command: command)
        let format = self.format
        switch format {
        case .table:
            if let report, !selection.explicit { return report() }
            if data.rows.isEmpty {
                if let emptyMessage { session.console.errorLine(emptyMessage) }
                return
            }
            session.printTable(data.table(selection))
        case .json:
            let objects = JSONValue.array(data.rows.map { data.object($0, selection) })
            session.console.line((document?(objects) ?? objects).prettyText)
        case .jsonl:
            emit(data.rows.map { data.object($0, selection).compactText + "\n" }.joined())
        case .csv, .tsv, .markdown:
            let keys = selection.columns.map(data.key)
            let machine = data.rows.map { row in selection.columns.map { data.value($0, in: row).cellText } }
            switch format {
            case .csv: emit(DelimitedText.csv(header: keys, rows: machine, lineEnd: lineEnd))
            case .tsv: emit(DelimitedText.tsv(header: keys, rows: machine))
            default:
                let table = data.table(selection)
                let texts = data.rows.map { row in selection.columns.map { data.text($0, in: row) } }
                let right = Set(table.columns.indices.filter { table.columns[$0].alignment == .right })
                emit(DelimitedText.markdown(header: table.columns.map(\.header), rows: texts, rightAligned: right))
            }
        }
    }

    /// One object (`context`, `set`, `show`, `sql`): `text` for the table format; JSON as it
    /// is (or its keys that `--fields` names); CSV and TSV as a header of keys and one row;
    /// markdown as a FIELD | VALUE table (or `markdown` when given, e.g. a fenced block).
    func printRecord(_ record: JSONValue, markdown: String? = nil, text: () -> Void) throws {
        let object = record.objectValue ?? [:]
        let keys: [String]
        if let fields = options.fields {
            let known = object.keys.sorted()
            for field in fields where object[field] == nil {
                let hint = Suggestion.nearest(to: field, in: known).map { " (did you mean \($0)?)" } ?? ""
                throw CommandFailure.usage("\(command): unknown field '\(field)'\(hint); fields: \(known.joined(separator: ", "))")
            }
            keys = fields
        } else {
            keys = object.keys.sorted()
        }
        let chosen = options.fields == nil ? record : .object(object.filter { keys.contains($0.key) })
        switch format {
        case .table:
            guard options.fields != nil else { return text() }
            for key in keys { session.console.line("\(key): \(Table.singleLine((object[key] ?? .null).cellText))") }
        case .json: session.console.line(chosen.prettyText)
        case .jsonl: emit(chosen.compactText + "\n")
        case .csv: emit(DelimitedText.csv(header: keys, rows: [keys.map { (object[$0] ?? .null).cellText }], lineEnd: lineEnd))
        case .tsv: emit(DelimitedText.tsv(header: keys, rows: [keys.map { (object[$0] ?? .null).cellText }]))
        case .markdown:
            if let markdown, options.fields == nil { return emit(markdown) }
            emit(DelimitedText.markdown(header: ["FIELD", "VALUE"], rows: keys.map { [$0, (object[$0] ?? .null).cellText] }))
        }
    }

    /// Text in a machine format: byte for byte into a pipe or a file, made visible on a terminal.
    func emit(_ text: String) {
        if session.console.stdoutIsTerminal {
            session.console.out(text)
        } else {
            session.console.outBytes(Data(text.utf8))
        }
    }

    /// CSV lines end in CRLF (RFC 4180), except on a terminal, where a CR would show as `^M`.
    private var lineEnd: String { session.console.stdoutIsTerminal ? "\n" : "\r\n" }
}
