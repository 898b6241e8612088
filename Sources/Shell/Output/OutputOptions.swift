/// The formats data can be printed in: `--output`, `set output` and `dbtsh --output`.
public enum OutputFormat: String, Sendable, CaseIterable, ArgumentValue {
    /// Aligned columns sized to the terminal (or a command's own text: a log, a report).
    case table
    /// One pretty-printed JSON document, snake_case keys.
    case json
    /// One compact JSON object per line.
    case jsonl
    /// RFC 4180: a header of field names, CRLF line ends, quoted where needed.
    case csv
    /// Tab-separated: a header of field names, tabs, newlines and backslashes escaped (`\t`, `\n`, `\\`).
    case tsv
    /// A GitHub-flavoured markdown table (`|` escaped), or a fenced block for text.
    case markdown

    /// Formats whose text is JSON.
    public var isJSON: Bool { self == .json || self == .jsonl }
}

/// `--output FORMAT`, `--json` and `--fields`, declared by every command that prints data.
struct OutputOptions: ParsableOptions {
    @Option("output", valueName: "FORMAT", help: "table, json, jsonl, csv, tsv or markdown") var format: OutputFormat?
    @Flag("json", help: "same as --output json") var json: Bool
    @Option("fields", valueName: "A,B,…", help: "the fields to print, in order (see 'fields' below)") var fieldList: String?

    /// This command's format: its options, else the session's `set output`.
    func format(in session: Session) -> OutputFormat {
        json ? .json : format ?? session.settings.output
    }

    func wantsJSON(in session: Session) -> Bool { format(in: session) == .json }

    /// The fields asked for with `--fields a,b,c`, in order; nil when none were.
    var fields: [String]? {
        let names = (fieldList ?? "").split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
        return names.isEmpty ? nil : names
    }
}
