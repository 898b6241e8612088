import Foundation
@testable import DbtArtifacts
#if canImport(Sandbox)
import Sandbox
#endif

/// The real dbt artifacts shipped with the Sandbox module's resources.
enum Fixture {
    static let root: URL = {
        #if canImport(Sandbox)
        if let readme = DemoArtifacts.fixtureURL("README.md") { return readme.deletingLastPathComponent() }
        #endif
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Sandbox/Resources/dbt-artifacts")
            .standardizedFileURL
    }()

    static func data(_ path: String) throws -> Data {
        try ArtifactFile.read(root.appendingPathComponent(path))
    }

    static func runResults(_ path: String) throws -> RunResults {
        try RunResults.decode(data(path))
    }

    static func manifest(_ path: String) throws -> Manifest {
        try Manifest.decode(data(path))
    }

    static func catalog(_ path: String) throws -> Catalog {
        try Catalog.decode(data(path))
    }

    static var failedBuild: RunResults { get throws { try runResults("failure/steps/2_build/run_results.json") } }
    static var succeededBuild: RunResults { get throws { try runResults("success/steps/2_build/run_results.json") } }
    static var failureManifest: Manifest { get throws { try manifest("failure/manifest.json") } }
    static var successManifest: Manifest { get throws { try manifest("success/manifest.json") } }
}
