/// Makes control characters visible, as `less` shows them: C0 controls and DEL in caret
/// notation (`^[` for ESC, `^G` for BEL, `^M` for a carriage return, `^?` for DEL) and C1
/// controls as their code in angle brackets (`<9B>`). Text printed this way can never move
/// the cursor, retitle the terminal or write the clipboard.
public enum VisibleControls {
    /// Which layout characters stay as they are.
    public enum Layout: Sendable {
        /// Newlines and tabs stay: a log, a table, a block of JSON.
        case keepNewlinesAndTabs
        /// Everything is made visible: a name in a prompt, a completion list, a notice.
        case singleLine
    }

    public static func escaping(_ text: String, _ layout: Layout = .keepNewlinesAndTabs) -> String {
        guard needsEscaping(text, layout) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar, layout) {
                result.append(contentsOf: visibleForm(of: scalar).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `scalar` would be made visible under `layout`.
    public static func isControl(_ scalar: Unicode.Scalar, _ layout: Layout = .keepNewlinesAndTabs) -> Bool {
        let value = scalar.value
        if layout == .keepNewlinesAndTabs, value == 0x0A || value == 0x09 { return false }
        return value < 0x20 || (0x7F...0x9F).contains(value)
    }

    /// `^[` for ESC, `^?` for DEL, `<9B>` for a C1 control.
    public static func visibleForm(of scalar: Unicode.Scalar) -> String {
        let value = scalar.value
        if value < 0x20 { return "^" + String(UnicodeScalar(UInt8(value + 0x40))) }
        if value == 0x7F { return "^?" }
        let hex = String(value, radix: 16, uppercase: true)
        return "<" + (hex.count < 2 ? "0" + hex : hex) + ">"
    }

    /// A scan of the UTF-8 bytes: most text has nothing to escape and is returned as it is.
    private static func needsEscaping(_ text: String, _ layout: Layout) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 {
                if layout == .singleLine || (byte != 0x0A && byte != 0x09) { return true }
            } else if byte == 0x7F {
                return true
            } else if previous == 0xC2, (0x80...0x9F).contains(byte) {
                return true  // U+0080…U+009F in UTF-8
            }
            previous = byte
        }
        return false
    }
}
