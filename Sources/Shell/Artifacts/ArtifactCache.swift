import DbtCloud
import Foundation

/// The disk cache of artifacts of finished runs, under `<cache dir>/artifacts/HOST/ACCOUNT/RUN/STEP/PATH`,
/// capped at `maxBytes`: after a download the least recently used files are evicted until the
/// cache fits, and a file larger than the whole cap is not kept. A hit refreshes the file's
/// modification time, which is what "recently used" means here. The default cap is 1 GiB;
/// `DBTSH_CACHE_SIZE` (`500M`, `2G`, `0` for no cache) changes it, `artifacts get --no-cache`
/// bypasses it.
struct ArtifactCache {
    static let defaultMaxBytes = Services.defaultCacheMaxBytes

    let directory: URL
    let maxBytes: Int64

    init?(root: URL, maxBytes: Int64) {
        guard maxBytes > 0 else { return nil }
        self.directory = root.appendingPathComponent("artifacts")
        self.maxBytes = maxBytes
    }

    func url(host: DbtHost, account: Int, runID: Int, step: Int?, path: String) -> URL {
        let name = (host.apiBaseURL.host ?? "unknown-host") + (host.apiBaseURL.port.map { "_\($0)" } ?? "")
        return directory.appendingPathComponent(
            "\(name)/\(account)/\(runID)/\(step.map { "step-\($0)" } ?? "default")/\(path)")
    }

    /// Whether the file is cached; a hit counts as a use.
    func lookUp(_ url: URL) -> Bool {
        guard FileManager.default.isReadableFile(atPath: url.path) else { return false }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: url.path)
        return true
    }

    /// Keeps a file just written at `url` within the cap, evicting the least recently used others.
    /// Returns false (and the caller removes the file after use) when it alone exceeds the cap.
    func admit(_ url: URL) -> Bool {
        let entries = files()
        let size = entries.first { $0.url.standardizedFileURL.path == url.standardizedFileURL.path }?.size ?? 0
        guard size <= maxBytes else { return false }
        var total = entries.reduce(Int64(0)) { $0 + $1.size }
        for entry in entries.sorted(by: { $0.used < $1.used }) where total > maxBytes {
            guard entry.url.standardizedFileURL.path != url.standardizedFileURL.path else { continue }
            if (try? FileManager.default.removeItem(at: entry.url)) != nil { total -= entry.size }
        }
        return true
    }

    /// The total size of the cached files.
    var usedBytes: Int64 { files().reduce(0) { $0 + $1.size } }

    private struct Entry {
        let url: URL
        let size: Int64
        let used: Date
    }

    private func files() -> [Entry] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey]
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: keys) else { return [] }
        var entries: [Entry] = []
        for case let url as URL in walker {
            guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
            // Downloads in progress (`.NAME.UUID.part`) belong to whoever writes them.
            if url.lastPathComponent.hasSuffix(".part") { continue }
            entries.append(Entry(url: url, size: Int64(values.fileSize ?? 0), used: values.contentModificationDate ?? .distantPast))
        }
        return entries
    }

    /// `DBTSH_CACHE_SIZE`: bytes, or a number with K, M, G or T (powers of 1024); 0 turns the cache off.
    static func maxBytes(fromSetting text: String?) -> Result<Int64, CommandFailure> {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .success(defaultMaxBytes) }
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text.uppercased())
        if digits.hasSuffix("IB") { digits = digits.dropLast(2) } else if digits.hasSuffix("B") { digits = digits.dropLast() }
        var scale: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let number = Double(digits.trimmingCharacters(in: .whitespaces)), number.isFinite, number >= 0,
            number * Double(scale) < 9e18
        else {
            return .failure(CommandFailure.usage("DBTSH_CACHE_SIZE=\(text) is not a size; use bytes or e.g. 500M, 2G (0 turns the cache off)"))
        }
        return .success(Int64(number * Double(scale)))
    }
}
