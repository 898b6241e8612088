import Foundation

/// Samples of one measurement, in seconds.
struct Samples {
    var values: [Double]

    init(_ values: [Double]) { self.values = values.sorted() }

    var count: Int { values.count }
    var min: Double { values.first ?? .nan }
    var max: Double { values.last ?? .nan }
    var median: Double { percentile(50) }

    /// Nearest-rank percentile.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(values.count)).rounded(.up))
        return values[Swift.max(0, Swift.min(values.count - 1, rank - 1))]
    }
}

/// One line of the table.
struct Row {
    var name: String
    var runs: String
    var median: String
    /// `p99` for many samples, `min–max` for a few.
    var spread: String
    var peakRSS: String
    /// Median user + system CPU of the child process, where it applies.
    var cpu: String = ""
    var aim: String
    var note: String

    static func timing(_ name: String, _ samples: Samples, rss: Int? = nil, cpu: Samples? = nil, aim: String = "",
                       note: String = "", percentiles: Bool = false) -> Row {
        let spread = percentiles
            ? "p99 " + Format.duration(samples.percentile(99))
            : Format.duration(samples.min) + " – " + Format.duration(samples.max)
        return Row(name: name, runs: "\(samples.count)", median: Format.duration(samples.median), spread: spread,
                   peakRSS: rss.map(Format.mebibytes) ?? "–", cpu: cpu.map { Format.duration($0.median) } ?? "–",
                   aim: aim, note: note)
    }

    static func text(_ name: String, _ value: String, note: String = "") -> Row {
        Row(name: name, runs: "", median: value, spread: "", peakRSS: "", aim: "", note: note)
    }

    static func failed(_ name: String, _ why: String) -> Row {
        Row(name: name, runs: "0", median: "n/a", spread: "", peakRSS: "", aim: "", note: "not measured: " + why)
    }
}

enum Format {
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "n/a" }
        if seconds < 0.001 { return String(format: "%.1f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.1f ms", seconds * 1e3) }
        return String(format: "%.2f s", seconds)
    }

    static func kibibytes(_ bytes: Int) -> String {
        String(format: "%.0f KiB", Double(bytes) / 1_024)
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return String(format: "%.1f×", value)
    }
}

/// A Markdown table (it reads as plain text too).
struct Table {
    var rows: [Row] = []

    mutating func add(_ row: Row) {
        rows.append(row)
        FileHandle.standardError.write(Data("  \(row.name): \(row.median) \(row.spread) \(row.peakRSS) \(row.note)\n".utf8))
    }

    func render() -> String {
        let header = ["benchmark", "runs", "median", "spread", "peak RSS", "CPU", "aim", "note"]
        let cells = rows.map { [$0.name, $0.runs, $0.median, $0.spread, $0.peakRSS, $0.cpu, $0.aim, $0.note] }
        var widths = header.map(\.count)
        for line in cells {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ values: [String]) -> String {
            "| " + values.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + " |"
        }
        var out = [line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
        out += cells.map(line)
        return out.joined(separator: "\n") + "\n"
    }
}
