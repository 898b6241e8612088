import Foundation
import LineEditor
import Shell

/// The start-up file: `$XDG_CONFIG_HOME/dbtsh/rc` (default `~/.config/dbtsh/rc`) before the
/// first prompt of an interactive session, unless `--norc`; `--rc FILE` names another, which
/// also runs before a script or `-c`. Its error lines name `FILE:LINE`. An interactive session
/// goes on after a failing line; a script stops there, as it would in its own lines.
struct StartupFile {
    let path: String
    /// Named with `--rc`: a missing file is an error rather than nothing to run.
    let explicit: Bool

    static func chosen(options: DbtshCommand, interactive: Bool, environment: [String: String]) -> StartupFile? {
        if let named = options.rc { return StartupFile(path: named, explicit: true) }
        guard interactive, !options.norc, let path = defaultPath(environment: environment) else { return nil }
        return StartupFile(path: path, explicit: false)
    }

    /// `$XDG_CONFIG_HOME/dbtsh/rc`, default `~/.config/dbtsh/rc`.
    static func defaultPath(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/dbtsh/rc" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/dbtsh/rc"
    }

    /// Runs the file; a status when the session must end there (`exit`, or a failure in a script).
    func run(interpreter: Interpreter) -> Int32? {
        let session = interpreter.session
        let console = session.console
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let data = FileManager.default.contents(atPath: path) else {
            guard explicit else { return nil }
            console.errorLine("dbtsh: cannot read the start-up file '\(path)'")
            return Shell.ExitCode.usage
        }
        // Its aliases can run system commands: a file others may change is not run.
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value, mode & 0o022 != 0 {
            console.errorLine("dbtsh: not running \(path): others can write to it (chmod go-w '\(path)')")
            return explicit ? Shell.ExitCode.usage : nil
        }
        let driver = ShellDriver(interpreter: interpreter, source: path)
        let status = ReadEvalPrintLoop(driver: driver, reader: ScriptLineReader(text: String(decoding: data, as: UTF8.self))).run()
        if session.exitRequest != nil { return status }
        if !session.interactive, status != 0 { return status }
        return nil
    }
}
