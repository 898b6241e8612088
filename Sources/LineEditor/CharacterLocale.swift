#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libedit silently drops every byte its locale cannot decode, so the editor needs a
/// UTF-8 character locale even when the environment names none (a bare container).
enum CharacterLocale {
    static func adoptUTF8() {
        setlocale(LC_ALL, "")
        guard !isUTF8 else { return }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
            if isUTF8 { return }
        }
    }

    static var isUTF8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
