import TerminalText

/// One possible completion of the word before the cursor.
public struct CompletionCandidate: Sendable, Equatable {
    /// The text that replaces the word being completed (a name may complete to an id).
    public var replacement: String
    /// What the candidate list shows.
    public var display: String
    /// Whether a space follows the replacement when it is the only candidate.
    public var appendsSpace: Bool

    public init(replacement: String, display: String? = nil, appendsSpace: Bool = true) {
        self.replacement = replacement
        self.display = display ?? replacement
        self.appendsSpace = appendsSpace
    }
}

/// A completer's answer for the text before the cursor.
public struct CompletionReply: Sendable, Equatable {
    /// The text just before the cursor that the replacements replace.
    public var wordBeingCompleted: String
    public var candidates: [CompletionCandidate]
    /// Shown under the line when there are no candidates (a listing still loading).
    public var message: String?

    public init(wordBeingCompleted: String, candidates: [CompletionCandidate], message: String? = nil) {
        self.wordBeingCompleted = wordBeingCompleted
        self.candidates = candidates
        self.message = message
    }
}

/// Answers a TAB. Runs on the main thread inside the line editor: it must answer quickly.
public typealias Completer = @Sendable (_ textBeforeCursor: String) -> CompletionReply

/// What a TAB does to the line.
enum CompletionEdit: Equatable {
    case beep
    /// Delete `deleteCount` characters (Unicode scalars) before the cursor, then insert.
    case replace(deleteCount: Int, insert: String)
    case list([String])
    /// A line of feedback under the line being edited, which stays as it is.
    case message(String)

    /// Candidates come from the network (job names, artifact paths): what reaches the
    /// terminal, inserted or listed, has its control characters made visible.
    static func deciding(_ reply: CompletionReply, textBeforeCursor: String) -> CompletionEdit {
        let word = textBeforeCursor.hasSuffix(reply.wordBeingCompleted) ? reply.wordBeingCompleted : ""
        let deleteCount = word.unicodeScalars.count
        switch reply.candidates.count {
        case 0:
            return reply.message.map { .message(VisibleControls.escaping($0, .singleLine)) } ?? .beep
        case 1:
            let only = reply.candidates[0]
            let text = VisibleControls.escaping(only.replacement, .singleLine) + (only.appendsSpace ? " " : "")
            return text == word ? .beep : .replace(deleteCount: deleteCount, insert: text)
        default:
            let prefix = CommonPrefix.of(reply.candidates.map { VisibleControls.escaping($0.replacement, .singleLine) })
            if prefix.count > word.count {
                return .replace(deleteCount: deleteCount, insert: prefix)
            }
            return .list(reply.candidates.map { VisibleControls.escaping($0.display, .singleLine) })
        }
    }
}

enum CommonPrefix {
    /// The longest common prefix, compared by Character so that no grapheme is split.
    static func of(_ strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for string in strings.dropFirst() {
            let length = zip(prefix, string).prefix(while: { $0 == $1 }).count
            prefix.removeLast(prefix.count - length)
            if prefix.isEmpty { break }
        }
        return String(prefix)
    }
}
