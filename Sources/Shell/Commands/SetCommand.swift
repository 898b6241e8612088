struct SetCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("set", summary: "show or change a session setting",
                    discussion: "output table|json, color on|off, interval DURATION (wait polling), errexit on|off (scripts stop at the first failure), pager on|off, readonly on|off",
                    positionals: [PositionalSpec("KEY", .settingKey, optional: true), PositionalSpec("VALUE", .settingValue, optional: true)],
                    examples: ["set output json", "set errexit off", "set interval 10s"])
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        guard let key = invocation.positional(0) else {
            for (key, value) in session.settings.listing { session.console.line("\(key): \(value)") }
            return 0
        }
        guard let value = invocation.positional(1) else {
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
