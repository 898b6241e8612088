/// What one call to ``LineReader/readLine(prompt:)`` produced.
public enum LineReadResult: Sendable, Equatable {
    /// A line, without its line terminator.
    case line(String)
    /// Ctrl-C at the prompt: the caller shows a fresh prompt.
    case interrupted
    /// Ctrl-D on an empty line, or the end of the input.
    case endOfFile
}

/// A source of command lines: the terminal's line editor or a pipe.
///
/// Call from the process's main thread only (see LineEditor's notes on signals).
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineReadResult
    /// Reads a line that goes to the history named `history` (nil: the shell's own), so that
    /// a mode such as the catalog browser keeps its lines apart. Readers without history
    /// ignore the name.
    func readLine(prompt: String, history: String?) -> LineReadResult
    /// Saves history and restores the terminal. Safe to call more than once.
    func close()
}

extension LineReader {
    public func readLine(prompt: String, history: String?) -> LineReadResult {
        readLine(prompt: prompt)
    }
}
