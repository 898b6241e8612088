struct ExitCommand: ShellCommand {
    static let configuration = CommandConfiguration("exit", aliases: ["quit"], summary: "leave the shell (with an exit status)")
    @Argument("STATUS", help: "0 to 255 (default 0)") var status = 0

    func run(in session: Session) async throws -> Int32 {
        guard (0...255).contains(status) else {
            throw CommandFailure.usage("exit: status must be a number from 0 to 255, not '\(status)'")
        }
        let code = Int32(status)
        session.exitRequest = code
        return code
    }
}

struct ClearCommand: ShellCommand {
    static let configuration = CommandConfiguration("clear", summary: "clear the screen (also Ctrl-L)")

    func run(in session: Session) async throws -> Int32 {
        session.console.clearScreen()
        return 0
    }
}
