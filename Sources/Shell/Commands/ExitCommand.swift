struct ExitCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("exit", aliases: ["quit"], summary: "leave the shell (with an exit status)",
                    positionals: [PositionalSpec("STATUS", .integer, optional: true)])
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        var status: Int32 = 0
        if let text = invocation.positional(0) {
            guard let number = Int32(text), (0...255).contains(number) else {
                throw CommandFailure.usage("exit: status must be a number from 0 to 255, not '\(text)'")
            }
            status = number
        }
        session.exitRequest = status
        return status
    }
}
