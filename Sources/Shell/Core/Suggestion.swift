import DbtArtifacts

/// "Did you mean …?": a prefix match first, else the nearest word by edit distance
/// (transpositions count once), only when it is close for the word's length.
enum Suggestion {
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        guard !lowered.isEmpty, lowered.count <= 64 else { return nil }
        if lowered.count >= 2, let prefixed = candidates.first(where: { $0.lowercased().hasPrefix(lowered) }) { return prefixed }
        let limit = max(1, lowered.count / 3)
        let typed = Array(lowered)
        return candidates
            .filter { abs($0.count - lowered.count) <= limit }
            .map { ($0, EditDistance.between(typed, Array($0.lowercased()), limit: limit)) }
            .filter { $0.1 <= limit }
            .min { $0.1 < $1.1 }?.0
    }
}
