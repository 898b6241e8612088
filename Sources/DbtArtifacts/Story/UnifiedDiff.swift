import Foundation

/// A line-by-line unified diff of two texts (Myers' algorithm), as `diff -u` prints it.
public struct UnifiedDiff: Sendable, Encodable {
    public struct Line: Sendable, Equatable, Encodable {
        public enum Kind: String, Sendable, Encodable {
            /// `--- old` / `+++ new`
            case fileHeader = "file"
            /// `@@ -a,b +c,d @@`
            case hunkHeader = "hunk"
            case context
            case removed
            case added
        }

        public var kind: Kind
        /// The line as printed, with its `-`, `+` or space prefix.
        public var text: String
    }

    public let lines: [Line]
    /// True when the texts were too different to compare line by line within the edit limit:
    /// the diff then removes every old line and adds every new one.
    public let isWholeReplacement: Bool

    public var isEmpty: Bool { lines.isEmpty }
    public var text: String { lines.map(\.text).joined(separator: "\n") }

    /// `maxEdits` bounds the work (and memory, which grows with its square) on hostile input.
    public init(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3, maxEdits: Int = 2_000) {
        let a = Self.split(old)
        let b = Self.split(new)
        guard a != b else {
            lines = []
            isWholeReplacement = false
            return
        }
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        let script = Self.editScript(middleA, middleB, maxEdits: max(1, maxEdits))
        isWholeReplacement = script == nil
        var operations: [Operation] = (0..<prefix).map { .equal($0, $0) }
        for operation in script ?? (middleA.indices.map { .delete($0) } + middleB.indices.map { .insert($0) }) {
            switch operation {
            case .equal(let x, let y): operations.append(.equal(x + prefix, y + prefix))
            case .delete(let x): operations.append(.delete(x + prefix))
            case .insert(let y): operations.append(.insert(y + prefix))
            }
        }
        for offset in 0..<suffix { operations.append(.equal(a.count - suffix + offset, b.count - suffix + offset)) }
        lines = Self.hunks(operations, a, b, oldLabel: oldLabel, newLabel: newLabel, context: max(0, context))
    }

    enum Operation: Equatable {
        case equal(Int, Int)
        case delete(Int)
        case insert(Int)
    }

    private static func split(_ text: String) -> [Substring] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// The shortest edit script from `a` to `b`, or nil when it needs more than `maxEdits` edits.
    static func editScript(_ a: [Substring], _ b: [Substring], maxEdits: Int) -> [Operation]? {
        let n = a.count
        let m = b.count
        let limit = min(n + m, maxEdits)
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        var found: Int?
        for d in 0...limit {
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m, found == nil { found = d }
            }
            trace.append(Array(v[(offset - d)...(offset + d)]))
            if found != nil { break }
        }
        guard let edits = found else { return nil }
        var operations: [Operation] = []
        var x = n
        var y = m
        var d = edits
        while d > 0 {
            let previous = trace[d - 1]
            func value(_ k: Int) -> Int { previous[k + d - 1] }
            let k = x - y
            let previousK = (k == -d || (k != d && value(k - 1) < value(k + 1))) ? k + 1 : k - 1
            let previousX = value(previousK)
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                operations.append(.equal(x - 1, y - 1))
                x -= 1
                y -= 1
            }
            if x == previousX {
                operations.append(.insert(y - 1))
                y -= 1
            } else {
                operations.append(.delete(x - 1))
                x -= 1
            }
            d -= 1
        }
        while x > 0, y > 0 {
            operations.append(.equal(x - 1, y - 1))
            x -= 1
            y -= 1
        }
        return operations.reversed()
    }

    private static func hunks(
        _ operations: [Operation], _ a: [Substring], _ b: [Substring], oldLabel: String, newLabel: String, context: Int
    ) -> [Line] {
        let changed = operations.indices.filter { if case .equal = operations[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return [] }
        var ranges: [ClosedRange<Int>] = []
        for index in changed {
            let low = max(0, index - context)
            let high = min(operations.count - 1, index + context)
            if let last = ranges.last, low <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, high)
            } else {
                ranges.append(low...high)
            }
        }
        var output = [Line(kind: .fileHeader, text: "--- \(oldLabel)"), Line(kind: .fileHeader, text: "+++ \(newLabel)")]
        for range in ranges {
            var body: [Line] = []
            var oldStart: Int?
            var newStart: Int?
            var oldCount = 0
            var newCount = 0
            var oldBefore = 0
            var newBefore = 0
            for operation in operations[..<range.lowerBound] {
                switch operation {
                case .equal: oldBefore += 1; newBefore += 1
                case .delete: oldBefore += 1
                case .insert: newBefore += 1
                }
            }
            for operation in operations[range] {
                switch operation {
                case .equal(let x, let y):
                    oldStart = oldStart ?? x
                    newStart = newStart ?? y
                    oldCount += 1
                    newCount += 1
                    body.append(Line(kind: .context, text: " " + a[x]))
                case .delete(let x):
                    oldStart = oldStart ?? x
                    oldCount += 1
                    body.append(Line(kind: .removed, text: "-" + a[x]))
                case .insert(let y):
                    newStart = newStart ?? y
                    newCount += 1
                    body.append(Line(kind: .added, text: "+" + b[y]))
                }
            }
            let oldFrom = oldCount == 0 ? oldBefore : (oldStart ?? oldBefore) + 1
            let newFrom = newCount == 0 ? newBefore : (newStart ?? newBefore) + 1
            output.append(Line(kind: .hunkHeader, text: "@@ -\(oldFrom),\(oldCount) +\(newFrom),\(newCount) @@"))
            output += body
        }
        return output
    }
}
