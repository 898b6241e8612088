struct SetCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "set", summary: "show or change a session setting",
        discussion: "output table|json, color on|off, interval DURATION (wait polling), errexit on|off (scripts stop at the first failure), pager on|off, readonly on|off",
        examples: ["set output json", "set errexit off", "set interval 10s"])
    @Argument("KEY", .settingKey) var key: String?
    @Argument("VALUE", .settingValue) var value: String?

    /// `set output <TAB>` completes the values of that setting.
    static func completionKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind {
        guard declared == .settingValue else { return declared }
        guard let key = arguments.first else { return .text }
        return .choice(Settings.values(for: key))
    }

    func run(in session: Session) async throws -> Int32 {
        guard let key else {
            for (key, value) in session.settings.listing { session.console.line("\(key): \(value)") }
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
