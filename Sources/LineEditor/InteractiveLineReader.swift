import CLibEdit
import CLineEditShim
import Foundation
import TerminalText

/// Posts notices above the prompt from any thread.
public struct LineNotifier: Sendable {
    public init() {}

    /// Prints `message` above the prompt and redraws the line being typed; printed at
    /// once when no line is being edited. Its control characters are made visible.
    public func post(_ message: String) {
        cel_notify(VisibleControls.escaping(message, .singleLine))
    }
}

/// The terminal's line editor: libedit with history, TAB completion, Ctrl-C/Ctrl-D,
/// job control, window resize and background notices.
///
/// Use only when ``Terminal/isInteractive``; one per process; call `readLine` and `close`
/// from the process's main thread (a thread that does not block SIGINT).
public final class InteractiveLineReader: LineReader {
    private let editor: OpaquePointer
    private let history: HistoryStore
    /// Histories of modes, by name, kept for the session only; and the one libedit uses now.
    private var modeHistories: [String: HistoryStore] = [:]
    private var activeHistory: HistoryStore
    private let programName: String
    private let completer: Completer
    private let shouldRecord: @Sendable (String) -> Bool
    private var prompt: UnsafeMutablePointer<CChar>?
    private var isClosed = false

    /// A Sendable handle for posting notices from background tasks.
    public let notifier = LineNotifier()

    public init(
        programName: String,
        historyFile: URL?,
        completer: @escaping Completer,
        shouldRecord: @escaping @Sendable (String) -> Bool = { _ in true }
    ) {
        CharacterLocale.adoptUTF8()
        Interrupts.install()
        self.completer = completer
        self.shouldRecord = shouldRecord
        self.history = HistoryStore(file: historyFile, programName: programName)
        self.activeHistory = history
        self.programName = programName
        self.prompt = strdup("")
        guard let editor = cel_init(programName) else {
            fatalError("libedit could not start on this terminal")
        }
        self.editor = editor
        history.load()
        configure()
    }

    deinit {
        close()
    }

    private func configure() {
        _ = cel_set_clientdata(editor, Unmanaged.passUnretained(self).toOpaque())
        _ = cel_set_editor(editor, "emacs")
        _ = cel_set_signal_handling(editor, 0)
        _ = cel_set_prompt_esc(editor, { editor in
            guard let editor, let reader = InteractiveLineReader.instance(for: editor) else { return nil }
            return reader.prompt
        }, 1)
        _ = cel_set_history(editor, history.handle)
        _ = cel_add_function(editor, "dbtsh-complete", "Complete the word before the cursor", { editor, _ in
            guard let editor, let reader = InteractiveLineReader.instance(for: editor) else {
                return UInt8(CC_ERROR)
            }
            return reader.complete(in: editor)
        })
        _ = cel_bind(editor, "^I", "dbtsh-complete")
        _ = cel_use_interruptible_reader(editor)
        _ = cel_source_editrc(editor)
    }

    private static func instance(for editor: OpaquePointer) -> InteractiveLineReader? {
        guard let data = cel_get_clientdata(editor) else { return nil }
        return Unmanaged<InteractiveLineReader>.fromOpaque(data).takeUnretainedValue()
    }

    public func readLine(prompt text: String) -> LineReadResult {
        readLine(prompt: text, history: nil)
    }

    public func readLine(prompt text: String, history name: String?) -> LineReadResult {
        guard !isClosed else { return .endOfFile }
        let wanted = historyStore(named: name)
        if wanted !== activeHistory {
            _ = cel_set_history(editor, wanted.handle)
            activeHistory = wanted
        }
        setPrompt(text)
        Interrupts.clearPending()
        var count: Int32 = 0
        guard let bytes = cel_gets(editor, &count) else {
            let failure = errno
            if count < 0, Interrupts.takePending() || failure == EINTR {
                cel_write_stdout("^C\n")
                return .interrupted
            }
            cel_write_stdout("\n")
            return .endOfFile
        }
        var line = String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(max(count, 0))), as: UTF8.self)
        if line.hasSuffix("\n") { line.removeLast() }
        if HistoryPolicy.records(line, userPolicy: shouldRecord) {
            wanted.record(line)
        }
        return .line(line)
    }

    private func historyStore(named name: String?) -> HistoryStore {
        guard let name else { return history }
        if let known = modeHistories[name] { return known }
        let created = HistoryStore(file: nil, programName: programName)
        modeHistories[name] = created
        return created
    }

    /// The history, oldest first.
    public var historyEntries: [String] { history.entries }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        cel_end(editor)
        history.close()
        for store in modeHistories.values { store.close() }
        free(prompt)
        prompt = nil
    }

    private func setPrompt(_ text: String) {
        free(prompt)
        prompt = strdup(PromptText.visible(text))
        cel_set_prompt_width(Int32(PromptText.width(of: text)))
    }

    private func complete(in editor: OpaquePointer) -> UInt8 {
        let textBeforeCursor = Self.textBeforeCursor(in: editor)
        let reply = completer(textBeforeCursor)
        switch CompletionEdit.deciding(reply, textBeforeCursor: textBeforeCursor) {
        case .beep:
            return UInt8(CC_REFRESH_BEEP)
        case .replace(let deleteCount, let insert):
            if deleteCount > 0 { el_deletestr(editor, Int32(deleteCount)) }
            if !insert.isEmpty, el_insertstr(editor, insert) != 0 { return UInt8(CC_REFRESH_BEEP) }
            return UInt8(CC_REFRESH)
        case .list(let items):
            let lines = ColumnLayout.lines(for: items, width: Terminal.columns())
            if lines.count >= Terminal.rows() - 1, !confirmsLongList(of: items.count, in: editor) {
                cel_write_stdout("\r\n")
                return UInt8(CC_REDISPLAY)
            }
            cel_write_stdout("\r\n" + lines.map { $0 + "\r\n" }.joined())
            return UInt8(CC_REDISPLAY)
        case .message(let text):
            cel_write_stdout("\r\n" + text + "\r\n")
            return UInt8(CC_REDISPLAY)
        }
    }

    /// Asks, like bash, before a list that would scroll the prompt away.
    private func confirmsLongList(of count: Int, in editor: OpaquePointer) -> Bool {
        cel_write_stdout("\r\nDisplay all \(count) possibilities? (y or n) ")
        let key = cel_read_key(editor)
        return [UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: " ")].map(Int32.init).contains(key)
    }

    private static func textBeforeCursor(in editor: OpaquePointer) -> String {
        guard let info = el_line(editor)?.pointee, let start = info.buffer, let cursor = info.cursor else { return "" }
        let count = cursor - start
        guard count > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    }
}
