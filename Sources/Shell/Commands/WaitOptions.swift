/// `--timeout` and `--interval` of the commands that wait for a run (`run`, `wait`, `retry`).
struct WaitOptions: ParsableOptions {
    @Option("timeout", help: "stop waiting after this long (exit 6)") var timeout: Duration?
    @Option("interval", help: "poll interval (default: 'set interval', 3s)") var interval: Duration?

    /// The options in seconds, the interval defaulting to the session's.
    func timing(in session: Session) -> WaitTiming {
        WaitTiming(interval: interval?.inSeconds ?? session.settings.interval, timeout: timeout?.inSeconds)
    }
}

struct WaitTiming {
    var interval: Double
    var timeout: Double?
}
