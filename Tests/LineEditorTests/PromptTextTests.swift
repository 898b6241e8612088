import Testing
@testable import LineEditor

@Suite("The prompt as shown")
struct PromptTextTests {
    @Test func plainPromptIsUnchanged() {
        #expect(PromptText.visible("dbt acme/analytics:prod job 43167 > ") == "dbt acme/analytics:prod job 43167 > ")
        #expect(PromptText.width(of: "dbt acme > ") == 11)
        #expect(PromptText.width(of: "日本 é> ") == 8)
    }

    @Test func escapeSequencesFromANameAreShownNotObeyed() {
        let prompt = "dbt evil\u{1B}]0;pwned\u{7}\u{1B}[2J\u{9B}31m > "
        let shown = PromptText.visible(prompt)
        #expect(shown == "dbt evil^[]0;pwned^G^[[2J<9B>31m > ")
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(PromptText.width(of: prompt) == shown.count)
    }

    @Test func libeditIgnoreMarkersAndNewlinesCannotHideText() {
        #expect(PromptText.visible("a\u{1}hidden\u{1}\nb\r> ") == "a^Ahidden^A^Jb^M> ")
    }
}
