import DbtCloud
import Foundation
import LineEditor
import Shell
import TerminalIO

/// Builds the session from the options and runs the read-eval-print loop on the main
/// thread (LINE-EDITOR.md §1.8: an async main would block Ctrl-C at the prompt).
struct Launch {
    let options: DbtshCommand
    let environment: [String: String]

    func start() -> Int32 {
        // The token lives in this process's memory: no core dump, no attaching.
        ProcessHardening.forbidCoreDumps()
        Interrupts.install()
        let input: InputSource
        do {
            input = try InputSource.choose(commands: options.commands, scriptFile: options.scriptFile)
        } catch {
            Self.console(input: .free, colour: false).errorLine("dbtsh: \(error)")
            return Shell.ExitCode.usage
        }
        let interactive = input.isInteractive
        let settings = initialSettings(interactive: interactive)
        let console = Self.console(input: input.standardInputUse, colour: settings.color)
        let connection: SessionConnection
        switch SessionConnection.open(options: options, environment: environment, console: console) {
        case .success(let opened): connection = opened
        case .failure(let failure):
            console.errorLine("dbtsh: " + failure.message)
            return failure.exitCode
        }
        let historyFile = interactive ? HistoryLocation.defaultFile(environment: environment) : nil
        let session = Session(
            console: console,
            interactive: interactive,
            settings: settings,
            context: connection.initialContext,
            historyFile: historyFile,
            services: connection.services
        )
        defer { connection.close(clients: session.services.allClients) }
        // Runs followed in the background end with the session, before the clients shut down.
        defer { _ = runBlocking { await session.background.cancelAll() } }
        session.setScript(name: options.scriptFile ?? "dbtsh", arguments: options.scriptArguments)
        let interpreter = Interpreter(session: session)
        if interactive, options.demo { DemoGreeting.print(to: console, width: Terminal.columns()) }
        if interactive, session.services.client == nil { console.errorLine(session.services.missingClientReason) }
        if interactive { _ = runBlocking { await session.nameTheContext(waitingAtMost: 1.5) } }

        if let startup = StartupFile.chosen(options: options, interactive: interactive, environment: environment) {
            if let status = startup.run(interpreter: interpreter) { return status }
        }

        let reader = input.makeReader(historyFile: historyFile, historyPolicy: { HistoryPolicy(tokens: [session.services.token].compactMap { $0 }) },
                                      interpreter: interpreter)
        defer { reader.close() }
        if let interactiveReader = reader as? InteractiveLineReader {
            let notifier = interactiveReader.notifier
            session.notices.connect { notifier.post("[notice] " + $0) }
        }
        return ReadEvalPrintLoop(driver: ShellDriver(interpreter: interpreter, source: options.scriptFile), reader: reader).run()
    }

    private func initialSettings(interactive: Bool) -> Settings {
        var settings = Settings()
        settings.color = Terminal.stdoutIsTTY && !options.noColor && environment["NO_COLOR"] == nil
        if let output = options.output { settings.output = output }
        if options.readonly || ["1", "true", "yes"].contains(environment["DBT_CLOUD_READONLY"]?.lowercased() ?? "") {
            settings.fixReadonly()
        }
        return settings
    }

    /// The console on the process's file descriptors; a closed standard output ends the
    /// process quietly with 141, as SIGPIPE would in a shell pipeline.
    private static func console(input: StandardInputUse, colour: Bool) -> Console {
        let device = StandardConsole(standardInput: input, onClosedStandardOutput: { exit(141) })
        return Console(device, processes: ShellProcessLauncher(environment: ProcessInfo.processInfo.environment), colour: colour)
    }
}

/// Reads, runs, repeats: the same policy for every input, through `ShellDriver`.
struct ReadEvalPrintLoop {
    let driver: ShellDriver
    let reader: any LineReader

    func run() -> Int32 {
        var prompt = driver.prompt
        while true {
            switch reader.readLine(prompt: prompt, history: driver.historyName) {
            case .endOfFile:
                return driver.endOfInput()
            case .interrupted:
                if case .stop(let status) = driver.interrupted() { return status }
                prompt = driver.prompt
            case .line(let line):
                switch driver.accept(line) {
                case .readMore(let next):
                    prompt = next
                    continue
                case .stop(let status):
                    return status
                case .proceed:
                    break
                }
                let driver = self.driver
                switch runBlocking({ await driver.run(line) }) {
                case .finished(.stop(let status)):
                    return status
                case .finished:
                    break
                case .interrupted:
                    driver.session.console.errorLine(driver.interruptionMessage())
                    if case .stop(let status) = driver.interrupted() { return status }
                }
                prompt = driver.prompt
            }
        }
    }
}

enum DemoGreeting {
    /// The greeting, without the explanations on a terminal too narrow for them.
    static func print(to console: Console, width: Int) {
        guard width >= 96 else {
            console.err("""
            dbtsh demo: a local dbt Cloud, account 'Acme Analytics'
            (nothing leaves this machine). Try:
              jobs
              use job 43167; runs
              use run latest; failures

            """)
            return
        }
        console.err("""
        dbtsh demo: a local dbt Cloud with the account 'Acme Analytics' (nothing leaves this machine).
          try:  jobs                          the jobs of the account
                use job 43167; runs           the nightly build and its runs (the newest failed)
                use run latest; failures      what failed, why, and what it skipped

        """)
    }
}
