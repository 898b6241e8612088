import Foundation

/// Finds executables built by SwiftPM beside the test bundle.
enum ProductLocator {
    static func executable(named name: String) throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["DBTSH_TEST_PRODUCTS"] {
            candidates.append(URL(fileURLWithPath: override, isDirectory: true))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        let first = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(first.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for directory in candidates {
            let file = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: file.path) {
                return file
            }
        }
        throw PseudoTerminal.Failure(description: "no built \(name) beside the tests (looked in \(candidates.map(\.path)))")
    }
}
