import Foundation

/// The lines of compiled SQL around the line a database error names.
///
/// The warehouse counts lines in the statement it ran, which wraps the compiled SQL (a
/// `create table … as (` in front, a test's `select count(*) … from (` around it), so
/// `LINE 24:` is not line 24 of `compiled_code`. The error also quotes the line
/// (`LINE 24:     sum(gross_order_value_usd)   as lifetim...`); that text is looked up in the
/// compiled SQL; the number is used only when the error quotes no text.
public struct SQLExcerpt: Sendable, Equatable, Encodable {
    public struct Line: Sendable, Equatable, Encodable {
        /// 1-based line number in the compiled SQL.
        public var number: Int
        public var text: String
        public var isError: Bool

        enum CodingKeys: String, CodingKey { case number, text, isError = "is_error" }
    }

    /// The line number the error message gave (in the warehouse's statement).
    public var reportedLine: Int
    /// The matching line of the compiled SQL.
    public var errorLine: Int
    public var lines: [Line]

    enum CodingKeys: String, CodingKey { case reportedLine = "reported_line", errorLine = "error_line", lines }

    /// The excerpt for an error `message` that names a line, over the node's `compiledSQL`;
    /// nil when the message names no line or the line cannot be placed.
    public init?(message: String, compiledSQL: String, radius: Int = 3) {
        guard let reference = Self.lineReference(in: message) else { return nil }
        let sqlLines = compiledSQL.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !sqlLines.isEmpty else { return nil }
        let found = Self.locate(reference.snippet, in: sqlLines)
        let index: Int
        if let found {
            index = found
        } else if reference.snippet.isEmpty, reference.line <= sqlLines.count {
            index = reference.line - 1
        } else {
            return nil
        }
        let low = max(0, index - max(0, radius))
        let high = min(sqlLines.count - 1, index + max(0, radius))
        reportedLine = reference.line
        errorLine = index + 1
        lines = (low...high).map { Line(number: $0 + 1, text: sqlLines[$0], isError: $0 == index) }
    }

    /// `LINE 24:     sum(gross_order_value_usd) …` → (24, "sum(gross_order_value_usd) …" without a trailing `...`).
    static func lineReference(in message: String) -> (line: Int, snippet: String)? {
        for rawLine in message.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("LINE ") else { continue }
            let rest = line.dropFirst(5)
            guard let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]), number > 0 else { continue }
            var snippet = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if snippet.hasSuffix("...") { snippet.removeLast(3) }
            if snippet.hasPrefix("...") { snippet.removeFirst(3) }
            return (number, snippet.trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// The first line containing the snippet (whitespace runs compared loosely).
    static func locate(_ snippet: String, in lines: [String]) -> Int? {
        let wanted = squeeze(snippet)
        guard wanted.count >= 3 else { return nil }
        return lines.firstIndex { squeeze($0).contains(wanted) }
    }

    private static func squeeze(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}
