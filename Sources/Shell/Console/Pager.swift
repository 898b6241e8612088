import TerminalText

/// `set pager on`: a command's output is held back and, when it is taller than the
/// terminal, shown through the pager (`$PAGER`, default `less -FRX`).
enum Pager {
    static func paging(_ console: Console, _ body: () async throws -> Int32) async throws -> Int32 {
        let held = HeldOutput()
        let status: Int32
        do {
            status = try await console.redirectingOutput(to: held, body)
        } catch {
            console.out(held.text)
            throw error
        }
        await present(held.text, on: console)
        return status
    }

    static func present(_ text: ConsoleText, on console: Console) async {
        let lineCount = text.plain.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        guard lineCount >= console.height - 1, let command = console.processes.pagerCommand,
              let pager = try? console.processes.startShellCommand(command, rendersStyles: true) else {
            console.out(text)
            return
        }
        pager.write(text)
        _ = await pager.finish()
    }
}
