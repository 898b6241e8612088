import Foundation
import Synchronization

/// The real dbt artifacts the sandbox serves, for other test targets too.
public enum DemoArtifacts {
    /// A file under the bundled `dbt-artifacts` folder, e.g. `"failure/manifest.json"` or
    /// `"failure/steps/2_build/run_results.json"`; nil when there is no such file.
    public static func fixtureURL(_ relativePath: String) -> URL? {
        guard let root = rootURL else { return nil }
        let url = root.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Foundation on Linux treats the bundle's `Resources` folder as its resource directory, Darwin does not.
    static let rootURL: URL? = {
        let bundle = Bundle.module
        let candidates = [
            bundle.resourceURL?.appendingPathComponent("dbt-artifacts", isDirectory: true),
            bundle.resourceURL?.appendingPathComponent("Resources/dbt-artifacts", isDirectory: true),
            bundle.bundleURL.appendingPathComponent("Resources/dbt-artifacts", isDirectory: true),
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("README.md").path) }
    }()
}

/// Which recorded job a simulated run replays.
enum FixtureSet: String, Sendable {
    case success, failure
}

/// The bytes of the fixture files, read once.
final class FixtureFiles: Sendable {
    static let shared = FixtureFiles()

    private let cache = Mutex<[String: Data]>([:])
    private let textCache = Mutex<[String: [String]]>([:])

    func data(_ relativePath: String) -> Data? {
        if let cached = cache.withLock({ $0[relativePath] }) { return cached }
        guard let url = DemoArtifacts.fixtureURL(relativePath), let data = try? Data(contentsOf: url) else { return nil }
        cache.withLock { $0[relativePath] = data }
        return data
    }

    func lines(_ relativePath: String) -> [String] {
        if let cached = textCache.withLock({ $0[relativePath] }) { return cached }
        let text = data(relativePath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        textCache.withLock { $0[relativePath] = lines }
        return lines
    }

    /// The debug log of one dbt invocation (1-based, in the order of the fixture job's steps).
    func debugLogLines(_ set: FixtureSet, invocation: Int) -> [String] {
        let key = "\(set.rawValue)/logs/dbt.log#\(invocation)"
        if let cached = textCache.withLock({ $0[key] }) { return cached }
        let all = lines("\(set.rawValue)/logs/dbt.log")
        let banners = all.indices.filter { all[$0].hasPrefix("============================== ") }
        var section: [String] = []
        if invocation >= 1, invocation <= banners.count {
            let start = invocation == 1 ? 0 : banners[invocation - 1]
            let end = invocation < banners.count ? banners[invocation] : all.count
            section = Array(all[start..<end])
        }
        textCache.withLock { $0[key] = section }
        return section
    }
}

/// The kinds of step the fixtures can replay; any dbt command maps to one of them.
enum StepKind: Sendable, Equatable {
    case sourceFreshness
    case build
    case docsGenerate
    /// A command the fixtures did not record (`dbt deps`, `dbt seed` …): a short log, no artifacts.
    case other

    init(command: String) {
        let words = command.split(separator: " ").map(String.init)
        let verb = words.dropFirst().first ?? ""
        switch verb {
        case "source" where words.contains("freshness"): self = .sourceFreshness
        case "docs" where words.contains("generate"): self = .docsGenerate
        case "build", "run", "test": self = .build
        default: self = .other
        }
    }

    /// The fixture folder of this step kind, and the dbt invocation number within dbt.log.
    var fixtureStep: (folder: String, invocation: Int)? {
        switch self {
        case .sourceFreshness: ("steps/1_source_freshness", 1)
        case .build: ("steps/2_build", 2)
        case .docsGenerate: ("steps/3_docs_generate", 3)
        case .other: nil
        }
    }

    /// Artifact path → fixture file (relative to the fixture set) that this step writes.
    var artifactFiles: [(path: String, file: String)] {
        switch self {
        case .sourceFreshness: [("sources.json", "steps/1_source_freshness/sources.json")]
        case .build: [("manifest.json", "manifest.json"), ("run_results.json", "steps/2_build/run_results.json")]
        case .docsGenerate:
            [
                ("catalog.json", "steps/3_docs_generate/catalog.json"), ("manifest.json", "manifest.json"),
                ("run_results.json", "steps/3_docs_generate/run_results.json"),
            ]
        case .other: []
        }
    }
}
