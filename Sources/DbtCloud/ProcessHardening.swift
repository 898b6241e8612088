import CProcessHardening

/// Keeps the token out of core dumps: a process that holds it is marked non-dumpable
/// (`prctl(PR_SET_DUMPABLE, 0)`), so a crash writes no core and other processes of the same
/// user cannot attach to it or read its memory.
public enum ProcessHardening {
    /// Returns whether the process is now non-dumpable (false where prctl does not exist).
    @discardableResult
    public static func forbidCoreDumps() -> Bool {
        dbtsh_forbid_core_dumps() == 0 && isDumpable == false
    }

    /// Whether a core dump of this process would be written (nil where it cannot be known).
    public static var isDumpable: Bool? {
        switch dbtsh_is_dumpable() {
        case 0: false
        case 1: true
        default: nil
        }
    }
}
