import Testing
@testable import LineEditor

@Suite("What TAB does")
struct CompletionEditTests {
    private func reply(_ word: String, _ replacements: [String], appendsSpace: Bool = true) -> CompletionReply {
        CompletionReply(
            wordBeingCompleted: word,
            candidates: replacements.map { CompletionCandidate(replacement: $0, appendsSpace: appendsSpace) }
        )
    }

    @Test func noCandidateBeeps() {
        #expect(CompletionEdit.deciding(reply("xy", []), textBeforeCursor: "xy") == .beep)
    }

    @Test func noCandidateButAMessageShowsTheMessageVisibly() {
        let loading = CompletionReply(wordBeingCompleted: "", candidates: [], message: "loading jobs from dbt Cloud… 2s\u{1B}[2J")
        #expect(CompletionEdit.deciding(loading, textBeforeCursor: "use job ") == .message("loading jobs from dbt Cloud… 2s^[[2J"))
        var found = reply("4316", ["43167"])
        found.message = "ignored when there are candidates"
        #expect(CompletionEdit.deciding(found, textBeforeCursor: "use job 4316") == .replace(deleteCount: 4, insert: "43167 "))
    }

    @Test func oneCandidateReplacesTheWordAndAddsASpace() {
        let edit = CompletionEdit.deciding(reply("he", ["help"]), textBeforeCursor: "he")
        #expect(edit == .replace(deleteCount: 2, insert: "help "))
    }

    @Test func oneCandidateWithoutSpaceForDirectories() {
        let edit = CompletionEdit.deciding(reply("tar", ["target/"], appendsSpace: false), textBeforeCursor: "get tar")
        #expect(edit == .replace(deleteCount: 3, insert: "target/"))
    }

    @Test func aNameCompletesToAnId() {
        let edit = CompletionEdit.deciding(reply("Nigh", ["43167"]), textBeforeCursor: "use job Nigh")
        #expect(edit == .replace(deleteCount: 4, insert: "43167 "))
    }

    @Test func deleteCountIsInUnicodeScalarsBecauseLibeditCountsWideCharacters() {
        let edit = CompletionEdit.deciding(reply("Don", ["Données"]), textBeforeCursor: "use project Don")
        #expect(edit == .replace(deleteCount: 3, insert: "Données "))
        let accented = CompletionEdit.deciding(reply("Donn\u{65}\u{301}", ["Données"]), textBeforeCursor: "x Donn\u{65}\u{301}")
        #expect(accented == .replace(deleteCount: 6, insert: "Données "))
    }

    @Test func severalCandidatesInsertTheLongerCommonPrefix() {
        let edit = CompletionEdit.deciding(reply("431", ["43167", "43168"]), textBeforeCursor: "use job 431")
        #expect(edit == .replace(deleteCount: 3, insert: "4316"))
    }

    @Test func severalCandidatesWithoutALongerPrefixAreListed() {
        let candidates = [
            CompletionCandidate(replacement: "43167", display: "43167 Nightly build"),
            CompletionCandidate(replacement: "43168", display: "43168 Hourly refresh"),
        ]
        let edit = CompletionEdit.deciding(
            CompletionReply(wordBeingCompleted: "4316", candidates: candidates),
            textBeforeCursor: "use job 4316"
        )
        #expect(edit == .list(["43167 Nightly build", "43168 Hourly refresh"]))
    }

    @Test func aWordThatIsNotBeforeTheCursorIsNotDeleted() {
        let edit = CompletionEdit.deciding(reply("zzz", ["help"]), textBeforeCursor: "he")
        #expect(edit == .replace(deleteCount: 0, insert: "help "))
    }

    @Test func theOnlyCandidateAlreadyTypedBeeps() {
        let edit = CompletionEdit.deciding(reply("help", ["help"], appendsSpace: false), textBeforeCursor: "help")
        #expect(edit == .beep)
    }
}

@Suite("Common prefix")
struct CommonPrefixTests {
    @Test(arguments: [
        ([String](), ""),
        (["alone"], "alone"),
        (["43167", "43168", "43100"], "431"),
        (["run", "runs", "retry"], "r"),
        (["abc", "xyz"], ""),
        (["Données", "Donnéez"], "Donnée"), (["Donnés", "Donnez"], "Donn"),
        (["e\u{301}a", "e\u{301}b"], "e\u{301}"),
    ])
    func prefix(strings: [String], expected: String) {
        #expect(CommonPrefix.of(strings) == expected)
    }

    @Test func aCombiningMarkIsNotSplitFromItsBase() {
        #expect(CommonPrefix.of(["e\u{301}", "e"]) == "")
    }
}

@Suite("completion of names from the network")
struct HostileCompletionTests {
    static let name = "Evil\u{1B}]0;pwned\u{7}\u{1B}[2J\u{9B}31m"

    @Test func aListedNameShowsItsControlCharacters() {
        let reply = CompletionReply(wordBeingCompleted: "4316", candidates: [
            CompletionCandidate(replacement: "43168", display: "43168  " + Self.name),
            CompletionCandidate(replacement: "43167", display: "43167  Nightly build"),
        ])
        #expect(CompletionEdit.deciding(reply, textBeforeCursor: "use job 4316")
            == .list(["43168  Evil^[]0;pwned^G^[[2J<9B>31m", "43167  Nightly build"]))
    }

    @Test func anInsertedNameShowsItsControlCharacters() {
        let reply = CompletionReply(wordBeingCompleted: "Ev", candidates: [CompletionCandidate(replacement: Self.name)])
        #expect(CompletionEdit.deciding(reply, textBeforeCursor: "sql Ev")
            == .replace(deleteCount: 2, insert: "Evil^[]0;pwned^G^[[2J<9B>31m "))
    }
}
