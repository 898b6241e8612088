/// The formats data can be printed in: `--output`, `set output` and `dbtsh --output`.
public enum OutputFormat: String, Sendable, CaseIterable, ArgumentValue {
    case table, json
}

/// `--output FORMAT` and `--json`, declared by every command that prints data.
struct OutputOptions: ParsableOptions {
    @Option("output", help: "output format for this command") var format: OutputFormat?
    @Flag("json", help: "same as --output json") var json: Bool

    /// This command's format: its options, else the session's `set output`.
    func format(in session: Session) -> OutputFormat {
        json ? .json : format ?? session.settings.output
    }

    func wantsJSON(in session: Session) -> Bool { format(in: session) == .json }
}
