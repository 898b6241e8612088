import Synchronization
import TerminalText

/// Messages that arrive while the user types (a run finished in the background); the
/// interactive line editor prints them above the prompt.
public final class NoticeBoard: Sendable {
    private let sink = Mutex<(@Sendable (String) -> Void)?>(nil)

    public init() {}

    public func connect(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink.withLock { $0 = sink }
    }

    public var isConnected: Bool { sink.withLock { $0 != nil } }

    /// Posts one line; control characters in it (a name from the network) are made visible.
    public func post(_ message: String) {
        let current = sink.withLock { $0 }
        current?(VisibleControls.escaping(message, .singleLine))
    }
}
