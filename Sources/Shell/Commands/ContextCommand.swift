import DbtCloud

struct ContextCommand: ShellCommand {
    static let configuration = CommandConfiguration("context", summary: "print the context (account, project, environment, job, run)")
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        await session.nameTheContext(waitingAtMost: 2)
        let context = session.context
        if output.wantsJSON(in: session) {
            var object: [String: JSONValue] = [:]
            for level in ShellContext.Level.allCases {
                guard let entry = context[level] else { continue }
                var fields: [String: JSONValue] = ["id": .int(entry.id)]
                if let name = entry.name { fields["name"] = .string(name) }
                object[level.rawValue] = .object(fields)
            }
            session.console.line(JSONValue.object(object).prettyText)
            return 0
        }
        let lines = context.lines
        if lines.isEmpty {
            session.console.errorLine("no context yet: try 'use account ID' or 'accounts'")
        }
        for (key, value) in lines { session.console.line("\(key): \(value)") }
        return 0
    }
}
