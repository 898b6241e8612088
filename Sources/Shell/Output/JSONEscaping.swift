/// JSON text that a terminal shows as it is: JSONEncoder escapes C0 controls but leaves DEL
/// and C1 controls raw, which some terminals obey.
enum JSONEscaping {
    /// `text` (JSON) with DEL and C1 controls written as `\u007f`…`\u009f`. Outside strings
    /// JSON has no such characters, so only string contents change, and they mean the same.
    static func controls(in text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0x7F...0x9F).contains($0.value) }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                result.append(contentsOf: "\\u00\(String(scalar.value, radix: 16))".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
