import DbtCloud

struct SetCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "set", summary: "show or change a session setting",
        discussion: "output table|json|jsonl|csv|tsv|markdown (the default format of commands that print data), color on|off, interval DURATION (wait polling), errexit on|off (scripts stop at the first failure), pager on|off, readonly on|off. Plain 'set' lists them; as data (set --json) one object of setting: value.",
        examples: ["set output json", "set errexit off", "set interval 10s", "set --json"],
        fields: Settings.keys)
    @Argument("KEY", .settingKey) var key: String?
    @Argument("VALUE", .settingValue) var value: String?
    @OptionGroup var output: OutputOptions

    /// `set output <TAB>` completes the values of that setting.
    static func completionKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind {
        guard declared == .settingValue else { return declared }
        guard let key = arguments.first else { return .text }
        return .choice(Settings.values(for: key))
    }

    func run(in session: Session) async throws -> Int32 {
        guard let key else {
            let listing = session.settings.listing
            let record = JSONValue.object(Dictionary(listing.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { first, _ in first }))
            try DataOutput(session, output, command: "set").printRecord(record) {
                for (key, value) in listing { session.console.line("\(key): \(value)") }
            }
            return 0
        }
        guard let value else {
            guard let (_, current) = session.settings.listing.first(where: { $0.0 == key }) else {
                try session.updateSettings { try $0.set(key, to: "") }
                return 0
            }
            session.console.line("\(key): \(current)")
            return 0
        }
        try session.updateSettings { try $0.set(key, to: value) }
        return 0
    }
}
