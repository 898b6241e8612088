import DbtCloud

struct ContextCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "context", summary: "print the context (account, project, environment, job, run)",
        discussion: "As data, one object: each level that is set, as {id, name} ({id, status_name} for the run).",
        fields: ShellContext.Level.allCases.map(\.rawValue))
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        await session.nameTheContext(waitingAtMost: 2)
        let context = session.context
        var object: [String: JSONValue] = [:]
        for level in ShellContext.Level.allCases {
            guard let entry = context[level] else { continue }
            var fields: [String: JSONValue] = ["id": .int(entry.id)]
            // The run's entry keeps its status where the others keep a name.
            if let name = entry.name { fields[level == .run ? "status_name" : "name"] = .string(name) }
            object[level.rawValue] = .object(fields)
        }
        try DataOutput(session, output, command: "context").printRecord(.object(object)) {
            let lines = context.lines
            if lines.isEmpty {
                session.console.errorLine("no context yet: try 'use account ID' or 'accounts'")
            }
            for (key, value) in lines { session.console.line("\(key): \(value)") }
        }
        return 0
    }
}
