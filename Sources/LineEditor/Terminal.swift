import CLineEditShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the process's terminal.
public enum Terminal {
    /// True when stdin and stdout are both terminals: only then is the line editor used.
    public static var isInteractive: Bool { isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 }
    public static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) != 0 }
    public static var stderrIsTTY: Bool { isatty(STDERR_FILENO) != 0 }

    /// The terminal's width in cells; `$COLUMNS` or 80 when no terminal reports one.
    public static func columns() -> Int {
        for descriptor in [STDOUT_FILENO, STDIN_FILENO, STDERR_FILENO] {
            let columns = Int(cel_terminal_columns(descriptor))
            if columns > 0 { return columns }
        }
        if let value = getenv("COLUMNS"), let columns = Int(String(cString: value)), columns > 0 {
            return columns
        }
        return 80
    }

    /// The terminal's height in rows; `$LINES` or 24 when no terminal reports one.
    public static func rows() -> Int {
        for descriptor in [STDOUT_FILENO, STDIN_FILENO, STDERR_FILENO] {
            let rows = Int(cel_terminal_rows(descriptor))
            if rows > 0 { return rows }
        }
        if let value = getenv("LINES"), let rows = Int(String(cString: value)), rows > 0 {
            return rows
        }
        return 24
    }
}

/// Ctrl-C as a flag: a C handler (without SA_RESTART) records it; the shell polls.
public enum Interrupts {
    /// Installs the SIGINT handler. Idempotent. After this, Ctrl-C never kills the process.
    public static func install() {
        _ = cel_install_sigint()
    }

    /// Forgets a Ctrl-C pressed earlier.
    public static func clearPending() {
        cel_clear_sigint()
    }

    /// Whether Ctrl-C was pressed since the last take or clear; clears it.
    public static func takePending() -> Bool {
        cel_take_sigint() != 0
    }
}
