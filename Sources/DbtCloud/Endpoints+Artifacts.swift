import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

// Artifacts of runs: list, read into memory, stream to disk.
extension DbtCloudClient {
    /// `GET …/runs/{id}/artifacts/[?step=N]`: artifact paths relative to `target/`.
    /// A run without artifacts (`data: null`) gives an empty list.
    public func runArtifacts(accountID: Int, runID: Int, step: Int? = nil) async throws -> [String] {
        let path = Self.accountPath(accountID, "runs/\(runID)/artifacts/")
        let response = try await get(path, query: step.map { [("step", String($0))] } ?? [])
        guard let data = response.data, !data.isNull else { return [] }
        guard let items = data.arrayValue else {
            throw DbtCloudError(kind: .invalidResponse, method: "GET", path: path, status: response.status, message: "expected a list of paths")
        }
        return items.compactMap(\.stringValue)
    }

    /// `GET …/runs/{id}/artifacts/{path}[?step=N]`: the raw file (not enveloped). Without `step`
    /// the API serves the last step's artifact.
    public func artifactData(accountID: Int, runID: Int, path artifact: String, step: Int? = nil) async throws -> Data {
        let spec = try artifactRequest(accountID: accountID, runID: runID, path: artifact, step: step)
        return try await transport.perform(spec).body
    }

    /// The latest matching artifact of a job (`GET …/jobs/{job}/artifacts/{path}`).
    public func jobArtifactData(accountID: Int, jobID: Int, path artifact: String) async throws -> Data {
        let relative = try ArtifactPath.validate(artifact)
        let path = Self.accountPath(accountID, "jobs/\(jobID)/artifacts/") + Self.encodeArtifactPath(relative)
        var spec = request(.GET, path)
        spec.accept = "*/*"
        spec.expectsJSON = relative.lowercased().hasSuffix(".json")
        return try await transport.perform(spec).body
    }

    /// Streams an artifact to `destination`: written to a temporary file beside it and renamed into
    /// place only when complete, so an interrupted download never leaves a file at `destination`.
    /// Returns the number of bytes written.
    @discardableResult
    public func downloadArtifact(
        accountID: Int, runID: Int, path artifact: String, step: Int? = nil, to destination: URL
    ) async throws -> Int64 {
        let spec = try artifactRequest(accountID: accountID, runID: runID, path: artifact, step: step)
        let directory = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = directory.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).part")
        let transport = self.transport
        let written = WrittenBytes()
        let validateJSON = artifact.lowercased().hasSuffix(".json")
        do {
            _ = try await transport.withRetries(spec) { _ in
                let request = transport.makeRequest(spec)
                let started = ContinuousClock.now
                let response = try await transport.http.execute(
                    request, deadline: .now() + transport.timeAmount(transport.options.downloadTimeout))
                let status = Int(response.status.code)
                guard (200..<300).contains(status) else {
                    let body = Data(buffer: try await response.body.collect(upTo: 1 << 20))
                    transport.traceResponse(spec, status: status, started: started, bytes: body.count)
                    return .init(status: status, headers: response.headers, body: body)
                }
                let count = try await Self.stream(response, to: partial)
                if validateJSON, !Self.isCompleteJSON(partial) {
                    transport.traceResponse(spec, status: status, started: started, bytes: Int(count))
                    throw ArtifactCut()
                }
                transport.traceResponse(spec, status: status, started: started, bytes: Int(count))
                written.value = count
                return .init(status: status, headers: response.headers, body: Data())
            }
            guard rename(partial.path, destination.path) == 0 else {
                throw DbtCloudError(
                    kind: .invalidArgument, message: "cannot write \(destination.lastPathComponent): \(String(cString: strerror(errno)))")
            }
            return written.value
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    private static func stream(_ response: HTTPClientResponse, to file: URL) async throws -> Int64 {
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw DbtCloudError(kind: .invalidArgument, message: "cannot create a file in \(file.deletingLastPathComponent().lastPathComponent)")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var count: Int64 = 0
        for try await chunk in response.body {
            try handle.write(contentsOf: Data(buffer: chunk))
            count += Int64(chunk.readableBytes)
        }
        if let expected = response.headers.first(name: "Content-Length").flatMap({ Int64($0) }), expected != count {
            throw HTTPClientError.bodyLengthMismatch
        }
        try handle.synchronize()
        return count
    }

    /// A `.json` artifact that does not parse was cut short (the server may not say so).
    private static func isCompleteJSON(_ file: URL) -> Bool {
        guard let data = try? Data(contentsOf: file, options: .mappedIfSafe) else { return false }
        return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
    }

    private func artifactRequest(accountID: Int, runID: Int, path artifact: String, step: Int?) throws -> RequestSpec {
        let relative = try ArtifactPath.validate(artifact)
        let path = Self.accountPath(accountID, "runs/\(runID)/artifacts/") + Self.encodeArtifactPath(relative)
        var spec = request(.GET, path, query: step.map { [("step", String($0))] } ?? [])
        spec.accept = "*/*"
        spec.expectsJSON = relative.lowercased().hasSuffix(".json")
        return spec
    }

    static func encodeArtifactPath(_ relative: String) -> String {
        relative.split(separator: "/").map { QueryEncoding.encodePathSegment(String($0)) }.joined(separator: "/")
    }
}

/// A downloaded `.json` artifact that does not parse.
struct ArtifactCut: Error, CustomStringConvertible {
    var description: String { "the artifact arrived incomplete (not valid JSON)" }
}

/// The byte count of a finished download, handed out of the retry closure.
private final class WrittenBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int64 = 0
    var value: Int64 {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
