/// libedit counts every byte of the prompt as a visible cell unless it sits between two
/// ignore markers; this wraps each ANSI escape sequence in them.
enum PromptMarkup {
    static let ignoreMarker: Character = "\u{1}"

    static func markingEscapes(in prompt: String) -> String {
        guard prompt.unicodeScalars.contains("\u{1B}") else { return prompt }
        var result = String.UnicodeScalarView()
        var scalars = prompt.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                result.append(scalar)
                continue
            }
            result.append("\u{1}")
            result.append(scalar)
            if let introducer = scalars.next() {
                result.append(introducer)
                if introducer == "[" {
                    while let next = scalars.next() {
                        result.append(next)
                        if (0x40...0x7E).contains(next.value) { break }
                    }
                } else if introducer == "]" {
                    while let next = scalars.next() {
                        if next == "\u{7}" { result.append(next); break }
                        if next == "\u{1B}" {
                            result.append(next)
                            if let terminator = scalars.next() { result.append(terminator) }
                            break
                        }
                        result.append(next)
                    }
                }
            }
            result.append("\u{1}")
        }
        return String(result)
    }

    /// Cells the prompt's last row occupies on screen, escape sequences excluded.
    static func visibleWidth(of prompt: String) -> Int {
        let marked = markingEscapes(in: prompt)
        let lastRow = marked.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? marked
        let visible = lastRow.split(separator: ignoreMarker, omittingEmptySubsequences: false)
            .enumerated()
            .filter { $0.offset.isMultiple(of: 2) }
            .map { String($0.element) }
            .joined()
        return DisplayWidth.of(visible)
    }
}
