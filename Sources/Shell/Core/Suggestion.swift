/// "Did you mean …?" by edit distance, prefix first.
enum Suggestion {
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if let prefixed = candidates.first(where: { $0.hasPrefix(lowered) && !lowered.isEmpty }) { return prefixed }
        let limit = max(1, min(3, lowered.count / 2 + 1))
        let scored = candidates
            .map { ($0, distance(lowered, $0.lowercased())) }
            .filter { $0.1 <= limit }
            .sorted { $0.1 < $1.1 }
        return scored.first?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
