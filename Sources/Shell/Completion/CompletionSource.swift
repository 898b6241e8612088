/// Items of a kind that comes from live listings (jobs, runs, steps, artifacts, nodes).
public protocol CompletionSource: Sendable {
    func items(for kind: ArgumentKind, matching word: String, session: Session) -> [CompletionItem]
}
