import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

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

    /// Streams an artifact to `destination` with memory bounded regardless of its size: written to
    /// a temporary file beside it and renamed into place only when complete (every byte its
    /// Content-Length promised, and valid JSON for a `.json` path), so a cut or interrupted
    /// download never leaves a file at `destination`. Returns the number of bytes written.
    @discardableResult
    public func downloadArtifact(
        accountID: Int, runID: Int, path artifact: String, step: Int? = nil, to destination: URL
    ) async throws -> Int64 {
        let spec = try artifactRequest(accountID: accountID, runID: runID, path: artifact, step: step, download: true)
        let directory = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DbtCloudError(
                kind: .invalidArgument, message: "cannot create \(directory.lastPathComponent): \(LocalFileError.reason(error))")
        }
        let partial = directory.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).part")
        let transport = self.transport
        let written = WrittenBytes()
        let validateJSON = artifact.lowercased().hasSuffix(".json")
        do {
            _ = try await transport.withRetries(spec) { _, deadline in
                let request = transport.makeRequest(spec)
                let started = ContinuousClock.now
                let response = try await transport.http().execute(request, deadline: Transport.nioDeadline(deadline))
                let status = Int(response.status.code)
                guard (200..<300).contains(status) else {
                    var buffer = ByteBuffer()
                    for try await chunk in response.body where buffer.readableBytes < 1 << 20 {
                        var chunk = chunk
                        buffer.writeBuffer(&chunk)
                    }
                    let body = Data(buffer: buffer)
                    transport.traceResponse(spec, status: status, started: started, bytes: body.count)
                    return .init(status: status, headers: response.headers, body: body)
                }
                let writer = try ArtifactWriter(
                    file: partial, validateJSON: validateJSON,
                    expectedBytes: response.headers.first(name: "Content-Length").flatMap { Int64($0) },
                    minimumBytes: transport.options.minimumDownloadBytes, window: transport.options.idleTimeout * 2)
                let count = try await writer.write(response.body)
                transport.traceResponse(spec, status: status, started: started, bytes: Int(clamping: count))
                written.value = count
                return .init(status: status, headers: response.headers, body: Data())
            }
            guard rename(partial.path, destination.path) == 0 else {
                throw DbtCloudError(
                    kind: .invalidArgument,
                    message: "cannot write \(destination.lastPathComponent): \(String(cString: strerror(errno)))")
            }
            return written.value
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    private func artifactRequest(
        accountID: Int, runID: Int, path artifact: String, step: Int?, download: Bool = false
    ) throws -> RequestSpec {
        let relative = try ArtifactPath.validate(artifact)
        let path = Self.accountPath(accountID, "runs/\(runID)/artifacts/") + Self.encodeArtifactPath(relative)
        var spec = request(.GET, path, query: step.map { [("step", String($0))] } ?? [])
        spec.accept = "*/*"
        spec.expectsJSON = relative.lowercased().hasSuffix(".json")
        spec.parsesJSON = false
        spec.isDownload = download
        return spec
    }

    static func encodeArtifactPath(_ relative: String) -> String {
        relative.split(separator: "/").map { QueryEncoding.encodePathSegment(String($0)) }.joined(separator: "/")
    }
}

/// A download that must not be kept: cut short, not valid JSON, or too slow.
struct ArtifactCut: Error, CustomStringConvertible {
    let description: String

    static let invalidJSON = ArtifactCut(description: "the artifact arrived incomplete (not valid JSON)")

    static func short(received: Int64, expected: Int64) -> ArtifactCut {
        ArtifactCut(description: "the artifact was cut short (\(received) of \(expected) bytes)")
    }

    static func long(expected: Int64) -> ArtifactCut {
        ArtifactCut(description: "the artifact is longer than its Content-Length (\(expected) bytes)")
    }

    static func tooSlow(bytes: Int, window: Duration) -> ArtifactCut {
        ArtifactCut(description: "the download stalled (under \(bytes / 1024) KiB in \(Transport.secondsText(window)))")
    }
}

/// Writes a streamed body to a file chunk by chunk, checking it as it goes: the byte count
/// against Content-Length, JSON validity for `.json` artifacts, and a minimum rate (a server
/// trickling one byte a second is given up).
final class ArtifactWriter {
    private let handle: FileHandle
    private let file: URL
    private var validator: JSONValidator?
    private let expectedBytes: Int64?
    private let minimumBytes: Int
    private let window: Duration

    init(file: URL, validateJSON: Bool, expectedBytes: Int64?, minimumBytes: Int, window: Duration) throws {
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw DbtCloudError(
                kind: .invalidArgument, message: "cannot create a file in \(file.deletingLastPathComponent().lastPathComponent)")
        }
        do {
            handle = try FileHandle(forWritingTo: file)
        } catch {
            throw DbtCloudError(kind: .invalidArgument, message: "cannot write \(file.lastPathComponent): \(LocalFileError.reason(error))")
        }
        self.file = file
        self.validator = validateJSON ? JSONValidator() : nil
        self.expectedBytes = expectedBytes.flatMap { $0 >= 0 ? $0 : nil }
        self.minimumBytes = minimumBytes
        self.window = window
    }

    deinit { try? handle.close() }

    func write(_ body: HTTPClientResponse.Body) async throws -> Int64 {
        var count: Int64 = 0
        var windowStart = ContinuousClock.now
        var windowBytes = 0
        for try await chunk in body {
            count += Int64(chunk.readableBytes)
            if let expectedBytes, count > expectedBytes { throw ArtifactCut.long(expected: expectedBytes) }
            if validator != nil {
                chunk.withUnsafeReadableBytes { validator?.feed($0) }
                if validator?.failed == true { throw ArtifactCut.invalidJSON }
            }
            do {
                try chunk.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
            } catch {
                throw DbtCloudError(kind: .invalidArgument, message: "cannot write \(file.lastPathComponent): \(LocalFileError.reason(error))")
            }
            windowBytes += chunk.readableBytes
            if ContinuousClock.now - windowStart >= window {
                if windowBytes < minimumBytes { throw ArtifactCut.tooSlow(bytes: minimumBytes, window: window) }
                windowStart = .now
                windowBytes = 0
            }
        }
        if let expectedBytes, count != expectedBytes { throw ArtifactCut.short(received: count, expected: expectedBytes) }
        if var validator, !validator.finish() { throw ArtifactCut.invalidJSON }
        do {
            try handle.synchronize()
        } catch {
            throw DbtCloudError(kind: .invalidArgument, message: "cannot write \(file.lastPathComponent): \(LocalFileError.reason(error))")
        }
        return count
    }
}

enum LocalFileError {
    /// `No space left on device`, from the errno behind a Foundation error when there is one.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return DbtCloudError.oneLine(nsError.localizedDescription)
    }
}

/// The byte count of a finished download, handed out of the retry closure.
private final class WrittenBytes: Sendable {
    private let stored = Mutex<Int64>(0)
    var value: Int64 {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
