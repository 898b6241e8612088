import Testing
@testable import LineEditor

@Suite("Prompt escape markers")
struct PromptMarkupTests {
    @Test func plainPromptIsUnchanged() {
        #expect(PromptMarkup.markingEscapes(in: "dbt> ") == "dbt> ")
    }

    @Test func colourSequencesAreWrapped() {
        let prompt = "\u{1B}[32mdbt\u{1B}[0m> "
        #expect(PromptMarkup.markingEscapes(in: prompt) == "\u{1}\u{1B}[32m\u{1}dbt\u{1}\u{1B}[0m\u{1}> ")
    }

    @Test func multiParameterSequence() {
        #expect(PromptMarkup.markingEscapes(in: "\u{1B}[1;38;5;208mé") == "\u{1}\u{1B}[1;38;5;208m\u{1}é")
    }

    @Test func titleSequenceEndingInBell() {
        #expect(PromptMarkup.markingEscapes(in: "\u{1B}]0;dbtsh\u{7}> ") == "\u{1}\u{1B}]0;dbtsh\u{7}\u{1}> ")
    }

    @Test func visibleWidthIgnoresEscapesAndEarlierRows() {
        #expect(PromptMarkup.visibleWidth(of: "dbt acme > ") == 11)
        #expect(PromptMarkup.visibleWidth(of: "\u{1B}[32mdbt\u{1B}[0m é> ") == 7)
        #expect(PromptMarkup.visibleWidth(of: "context line\n日本> ") == 6)
    }
}
