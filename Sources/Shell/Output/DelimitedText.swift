import Foundation

/// The machine formats of rows: CSV (RFC 4180), TSV and markdown tables.
enum DelimitedText {
    /// RFC 4180: fields with a comma, a quote, CR or LF are quoted, quotes doubled; lines end
    /// in CRLF (`lineEnd`: LF on a terminal, where a CR would show as `^M`).
    static func csv(header: [String], rows: [[String]], lineEnd: String = "\r\n") -> String {
        ([header] + rows).map { $0.map(csvField).joined(separator: ",") + lineEnd }.joined()
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Tab-separated, one record a line: backslash, tab, newline and carriage return escaped
    /// as `\\`, `\t`, `\n`, `\r` (as PostgreSQL's text format and `mysql -B` write them).
    static func tsv(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(tsvField).joined(separator: "\t") + "\n" }.joined()
    }

    static func tsvField(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A GitHub-flavoured markdown table: `|` escaped, line breaks as `<br>`.
    static func markdown(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n" }
        let rule = "|" + header.indices.map { rightAligned.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
        return line(header) + rule + rows.map(line).joined()
    }

    static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: "<br>")
            .replacingOccurrences(of: "\n", with: "<br>")
            .replacingOccurrences(of: "\r", with: "<br>")
    }

    /// Text in a fenced code block, the fence longer than any run of backticks in it.
    static func fenced(_ text: String, language: String = "") -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + language + "\n" + text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n") + fence + "\n"
    }
}
