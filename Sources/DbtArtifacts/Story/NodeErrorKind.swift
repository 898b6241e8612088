import Foundation

/// What kind of failure a node had, read from its resource type, status and message.
public enum NodeErrorKind: String, Sendable, Encodable, CaseIterable {
    /// The warehouse refused the SQL (`Database Error`, or dbt-duckdb's `Runtime Error` wrapping a
    /// `Binder Error`, `Catalog Error`, `Conversion Error`, …).
    case database
    /// Jinja or dbt could not compile the node (`Compilation Error`).
    case compilation
    /// Any other `Runtime Error` (a macro raised, a dependency failed, …).
    case runtime
    /// A seed that did not load.
    case seed
    /// A snapshot that did not run.
    case snapshot
    /// A data or unit test whose query returned failing rows (`status: fail`).
    case testFailure = "test failure"
    /// A test with `severity: warn` that returned rows.
    case testWarning = "test warning"
    /// A test whose own SQL could not run.
    case testError = "test error"

    /// Messages from the warehouse that dbt-duckdb reports as a `Runtime Error`.
    static let warehouseErrors = [
        "Binder Error", "Catalog Error", "Conversion Error", "Parser Error", "Constraint Error", "Invalid Input Error",
        "Out of Range Error", "Not implemented Error", "IO Error", "Permission Error", "Serialization Error",
        "Syntax error", "SQL compilation error", "Invalid identifier", "Out of Memory Error",
    ]

    public init(resourceType: String, status: NodeStatus, message: String?) {
        let text = message ?? ""
        let isTest = resourceType == "test" || resourceType == "unit_test"
        if isTest {
            if status == .warn {
                self = .testWarning
            } else if status == .fail {
                self = .testFailure
            } else if Self.isGotResults(text) {
                self = .testFailure
            } else {
                self = .testError
            }
            return
        }
        switch resourceType {
        case "seed": self = .seed
        case "snapshot": self = .snapshot
        default: self = Self.cause(of: text)
        }
    }

    /// The cause under a seed's, snapshot's or test's error: database, compilation or runtime.
    public static func cause(of message: String) -> NodeErrorKind {
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
        if firstLine.hasPrefix("Compilation Error") || firstLine.hasPrefix("Parsing Error") { return .compilation }
        if firstLine.hasPrefix("Database Error") { return .database }
        if warehouseErrors.contains(where: { message.contains($0) }) { return .database }
        return .runtime
    }

    /// `Got 3 results, configured to fail if != 0`.
    static func isGotResults(_ message: String) -> Bool {
        message.hasPrefix("Got ") && message.contains("configured to")
    }

    /// True for kinds that break a run (everything but a test warning).
    public var isError: Bool { self != .testWarning }

    public var isTest: Bool { self == .testFailure || self == .testWarning || self == .testError }
}
