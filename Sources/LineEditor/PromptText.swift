import TerminalText

/// The prompt as the line editor shows it: one row whose control characters are made
/// visible, so a name from the network in it can neither drive the terminal nor hide
/// itself between libedit's ignore markers.
enum PromptText {
    static func visible(_ prompt: String) -> String {
        VisibleControls.escaping(prompt, .singleLine)
    }

    /// Cells the prompt occupies on screen.
    static func width(of prompt: String) -> Int {
        DisplayWidth.of(visible(prompt))
    }
}
