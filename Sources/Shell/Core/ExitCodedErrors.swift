import DbtArtifacts
import DbtCloud

extension DbtCloudError: ExitCoded {
    public var oneLineMessage: String { description }
}

/// An artifact that does not decode came from dbt Cloud (local files are reported as usage
/// errors where they are read).
extension ArtifactError: ExitCoded {
    public var exitCode: Int32 { ExitCode.network }
    public var oneLineMessage: String { "dbt Cloud sent an unreadable artifact: \(description)" }
}
