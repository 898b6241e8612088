import Testing
@testable import TerminalText

/// What a terminal is sent: control characters from anywhere made visible, dbtsh's styles
/// and a dbt log's colours as SGR sequences only when rendered for a terminal.
@Suite("text for a terminal")
struct ConsoleTextTests {
    static let hostile = "Evil\u{1B}]0;pwned\u{7}\u{1B}[2J\u{1B}]52;c;cHduZWQ=\u{7}\u{9B}31m\u{7F}\r\u{0}end"

    /// No C0 control but newline and tab, no DEL, no C1.
    static func isInert(_ text: String) -> Bool {
        !text.unicodeScalars.contains { VisibleControls.isControl($0) }
    }

    /// `text` without its `ESC [ digits m` sequences.
    static func withoutSGR(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let escape = rest.firstIndex(of: "\u{1B}") {
            result += rest[..<escape]
            guard let (_, end) = SGR.parse(rest[escape...]) else { return result + rest[escape...] }
            rest = rest[end...]
        }
        return result + rest
    }

    @Test func controlCharactersAreShownAsLessShowsThem() {
        #expect(VisibleControls.escaping(Self.hostile) == "Evil^[]0;pwned^G^[[2J^[]52;c;cHduZWQ=^G<9B>31m^?^M^@end")
        #expect(VisibleControls.escaping("a\tb\nc") == "a\tb\nc", "a log keeps its layout")
        #expect(VisibleControls.escaping("a\tb\nc", .singleLine) == "a^Ib^Jc")
        #expect(VisibleControls.escaping("\u{80}\u{85}\u{9F}\u{A0}é✓") == "<80><85><9F>\u{A0}é✓", "C1 only: U+00A0 and beyond are text")
    }

    @Test func plainTextIsReturnedAsItIs() {
        let text = "   ID  NAME           ✓ success  日本語\n"
        #expect(VisibleControls.escaping(text) == text)
    }

    @Test func everyWayToBuildTextMakesControlsVisible() {
        let name = Self.hostile
        let texts: [ConsoleText] = [
            ConsoleText(name), .styled(name, .failure), .log(name), "\(name) and \(name, style: .heading)",
            ConsoleText("x") + ConsoleText(name),
        ]
        for text in texts {
            #expect(Self.isInert(text.plain), "\(text.plain.debugDescription)")
            #expect(Self.isInert(Self.withoutSGR(text.rendered)), "only SGR sequences of its own: \(text.rendered.debugDescription)")
        }
    }

    @Test func stylesBecomeSGROnlyWhenRendered() {
        let text: ConsoleText = "\("ID", style: .heading)  \("error", style: .failure) ok"
        #expect(text.plain == "ID  error ok")
        #expect(text.rendered == "\u{1B}[1mID\u{1B}[0m  \u{1B}[31merror\u{1B}[0m ok")
        #expect(text.unstyled.rendered == "ID  error ok")
    }

    @Test func aLogKeepsItsSGRColoursAndNothingElse() {
        let log = ConsoleText.log("\u{1B}[32m12:00:01  OK\u{1B}[0m created\n\u{1B}[1;31mERROR\u{1B}[0m\t\u{1B}]0;title\u{7} \u{1B}[2J \u{1B}[31")
        #expect(log.plain == "12:00:01  OK created\nERROR\t^[]0;title^G ^[[2J ^[[31")
        #expect(log.rendered == "\u{1B}[32m12:00:01  OK\u{1B}[0m created\n\u{1B}[1;31mERROR\u{1B}[0m\t^[]0;title^G ^[[2J ^[[31")
    }

    @Test func aLogColourLeftOpenIsResetAtTheEnd() {
        #expect(ConsoleText.log("\u{1B}[33mwarn").rendered == "\u{1B}[33mwarn\u{1B}[0m")
        #expect(ConsoleText.log("\u{1B}[33mwarn\u{1B}[0m").rendered == "\u{1B}[33mwarn\u{1B}[0m")
    }

    @Test func anOverlongSGRIsShownNotObeyed() {
        let long = "\u{1B}[" + String(repeating: "1;", count: 40) + "m"
        #expect(ConsoleText.log(long).pieces.allSatisfy { if case .colour = $0 { false } else { true } })
        #expect(Self.isInert(ConsoleText.log(long).rendered))
    }
}
