/// dbtsh's own styling vocabulary. Shell code says what a piece of text is; only the
/// rendering of a ``ConsoleText`` for a terminal turns it into escape codes.
public enum TextStyle: String, Sendable, Hashable, CaseIterable {
    /// Table headers.
    case heading
    /// A run or step that succeeded.
    case success
    /// An error, a failed run or step.
    case failure
    /// A warning, a skipped node.
    case warning
    /// Something in progress: queued, starting, running.
    case active
    /// Secondary text.
    case muted

    /// The SGR parameters a terminal gets for this style.
    var parameters: String {
        switch self {
        case .heading: "1"
        case .success: "32"
        case .failure: "31"
        case .warning: "33"
        case .active: "36"
        case .muted: "2"
        }
    }
}

/// Text on its way to a terminal or a pipe. Every way to build one makes control characters
/// visible (``VisibleControls``), so a value of this type holds no escape sequence of its own:
/// its styles (and the colours of a dbt log) are kept apart and only ``rendered`` turns them
/// into SGR sequences.
public struct ConsoleText: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        /// Visible text: no control characters but newlines and tabs.
        case text(String)
        /// Visible text in one of dbtsh's styles.
        case styled(String, TextStyle)
        /// A colour change of a dbt log: the parameters of an SGR sequence (`32`, `0`, `1;31`).
        case colour(String)
    }

    public private(set) var pieces: [Piece] = []

    public init() {}

    /// Untrusted text, from the network or anywhere else: controls but newlines and tabs made visible.
    public init(_ text: String) {
        append(text)
    }

    public static func styled(_ text: String, _ style: TextStyle) -> ConsoleText {
        var result = ConsoleText()
        result.append(text, style: style)
        return result
    }

    /// A dbt log: its SGR colour sequences are kept as colour changes (rendered only where
    /// colour is wanted), every other control character but newlines and tabs is made visible.
    public static func log(_ text: String) -> ConsoleText {
        var result = ConsoleText()
        var rest = Substring(text)
        while let escape = rest.firstIndex(of: "\u{1B}") {
            result.append(String(rest[..<escape]))
            if let (parameters, end) = SGR.parse(rest[escape...]) {
                result.pieces.append(.colour(parameters))
                rest = rest[end...]
            } else {
                result.append("\u{1B}")
                rest = rest[rest.index(after: escape)...]
            }
        }
        result.append(String(rest))
        return result
    }

    public mutating func append(_ text: String, style: TextStyle? = nil) {
        guard !text.isEmpty else { return }
        let visible = VisibleControls.escaping(text)
        if let style {
            pieces.append(.styled(visible, style))
        } else if case .text(var previous)? = pieces.last {
            pieces[pieces.count - 1] = .text("")  // the string is then ours alone: appended in place
            previous += visible
            pieces[pieces.count - 1] = .text(previous)
        } else {
            pieces.append(.text(visible))
        }
    }

    public mutating func append(_ other: ConsoleText) {
        for piece in other.pieces {
            if case .text(let text) = piece { append(text) } else { pieces.append(piece) }
        }
    }

    public static func + (lhs: ConsoleText, rhs: ConsoleText) -> ConsoleText {
        var result = lhs
        result.append(rhs)
        return result
    }

    public var isEmpty: Bool { pieces.isEmpty }

    /// The same text without styles or colours.
    public var unstyled: ConsoleText {
        var result = ConsoleText()
        result.append(plain)
        return result
    }

    /// The characters, without any escape code.
    public var plain: String {
        var output = ""
        for piece in pieces {
            switch piece {
            case .text(let text), .styled(let text, _): output += text
            case .colour: break
            }
        }
        return output
    }

    /// The characters with SGR sequences for the styles and colours it carries; a dbt log's
    /// colour is reset at the end so that it cannot run on into what follows.
    public var rendered: String {
        var output = ""
        var colourOpen = false
        for piece in pieces {
            switch piece {
            case .text(let text):
                output += text
            case .styled(let text, let style):
                output += SGR.sequence(style.parameters) + text + SGR.sequence("0")
                colourOpen = false
            case .colour(let parameters):
                output += SGR.sequence(parameters)
                colourOpen = !parameters.isEmpty && parameters != "0"
            }
        }
        if colourOpen { output += SGR.sequence("0") }
        return output
    }
}

extension ConsoleText: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.text
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ConsoleText()

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { text.append(literal) }
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) { text.append(value.description) }
        public mutating func appendInterpolation(_ value: ConsoleText) { text.append(value) }
        public mutating func appendInterpolation(_ value: String, style: TextStyle?) { text.append(value, style: style) }
    }
}

/// Select Graphic Rendition: the only escape sequences dbtsh writes for text.
enum SGR {
    /// Longest parameter list accepted in a log; anything longer is shown, not obeyed.
    static let maximumParameterLength = 32

    static func sequence(_ parameters: String) -> String { "\u{1B}[" + parameters + "m" }

    /// `ESC [ digits;digits m` at the start of `text`: its parameters and where it ends.
    static func parse(_ text: Substring) -> (String, Substring.Index)? {
        var index = text.startIndex
        guard index < text.endIndex, text[index] == "\u{1B}" else { return nil }
        index = text.index(after: index)
        guard index < text.endIndex, text[index] == "[" else { return nil }
        index = text.index(after: index)
        let start = index
        while index < text.endIndex, text.distance(from: start, to: index) <= maximumParameterLength {
            let character = text[index]
            if character == "m" { return (String(text[start..<index]), text.index(after: index)) }
            guard character.isASCII, character.isNumber || character == ";" || character == ":" else { return nil }
            index = text.index(after: index)
        }
        return nil
    }
}
