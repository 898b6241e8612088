import Foundation
import Testing
@testable import LineEditor
import Synchronization

@Suite("History file and policy", .serialized)
struct HistoryTests {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dbtsh-history-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func blankLinesAndRefusedLinesAreNotRecorded() {
        let policy: (String) -> Bool = { !$0.contains("token") }
        #expect(HistoryPolicy.records("use job 43167", userPolicy: policy))
        #expect(!HistoryPolicy.records("", userPolicy: policy))
        #expect(!HistoryPolicy.records("   \t", userPolicy: policy))
        #expect(!HistoryPolicy.records("set token abc", userPolicy: policy))
    }

    @Test func defaultLocationFollowsXDG() {
        let xdg = HistoryLocation.defaultFile(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/u"])
        #expect(xdg.path == "/state/dbtsh/history")
        let home = HistoryLocation.defaultFile(environment: ["HOME": "/home/u"])
        #expect(home.path == "/home/u/.local/state/dbtsh/history")
        let relative = HistoryLocation.defaultFile(environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/u"])
        #expect(relative.path == "/home/u/.local/state/dbtsh/history")
    }

    @Test func recordedLinesAreSavedAtOnceWithMode0600InCreatedDirectories() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("state/dbtsh/history")
        let store = HistoryStore(file: file, programName: "dbtsh")
        store.record("use job 43167")
        store.record("run --wait")
        store.record("run --wait")
        store.record("héllo 日本")

        let reloaded = HistoryStore(file: file, programName: "dbtsh")
        reloaded.load()
        #expect(reloaded.entries == ["use job 43167", "run --wait", "héllo 日本"])
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        store.close()
        store.close()
        reloaded.close()
    }

    @Test func keepsTheNewestThousandEntries() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history")
        let store = HistoryStore(file: file, programName: "dbtsh")
        for index in 1...1005 { store.record("line \(index)") }
        let reloaded = HistoryStore(file: file, programName: "dbtsh")
        reloaded.load()
        #expect(reloaded.entries.count == 1000)
        #expect(reloaded.entries.first == "line 6")
        #expect(reloaded.entries.last == "line 1005")
    }

    @Test func twoSessionsOnOneFileKeepEachOthersLines() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history")
        let first = HistoryStore(file: file, programName: "dbtsh")
        first.load()
        let second = HistoryStore(file: file, programName: "dbtsh")
        second.load()
        first.record("jobs")
        second.record("runs")
        first.record("use job 43167")
        second.record("logs --failed")
        let reloaded = HistoryStore(file: file, programName: "dbtsh")
        reloaded.load()
        #expect(reloaded.entries == ["jobs", "runs", "use job 43167", "logs --failed"])
    }

    @Test func awkwardCharactersSurviveTheFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history")
        let lines = ["first", "a\tb\\c  d", "api GET '/x y' --data '{\"k\": \"v\"}'", "héllo ✓ 日本", "back\\slash\\040"]
        let store = HistoryStore(file: file, programName: "dbtsh")
        lines.forEach(store.record)
        let reloaded = HistoryStore(file: file, programName: "dbtsh")
        reloaded.load()
        #expect(reloaded.entries == lines)
    }

    @Test func missingFileIsSilent() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let warnings = WarningLog()
        let store = HistoryStore(file: directory.appendingPathComponent("none"), programName: "dbtsh", warn: warnings.append)
        store.load()
        #expect(store.entries.isEmpty)
        #expect(warnings.lines.isEmpty)
    }

    @Test func corruptFileGivesOneWarningAndIsReplaced() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history")
        try Data([0xFF, 0x00, 0xC3, 0x28, 0x0A, 0x41]).write(to: file)
        let warnings = WarningLog()
        let store = HistoryStore(file: file, programName: "dbtsh", warn: warnings.append)
        store.load()
        store.record("help")
        #expect(warnings.lines.count == 1)
        #expect(warnings.lines.first?.hasPrefix("dbtsh: warning: ") == true)
        let reloaded = HistoryStore(file: file, programName: "dbtsh")
        reloaded.load()
        #expect(reloaded.entries == ["help"])
    }

    @Test func garbageAfterAValidHeaderDoesNotCrash() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history")
        var bytes = Array("_HiStOrY_V2_\nhelp\n".utf8)
        bytes += [0xFF, 0xFE, 0x5C, 0x5C, 0x30, 0x0A, 0x5C, 0x0A]
        bytes += Array(repeating: UInt8(ascii: "x"), count: 200_000)
        try Data(bytes).write(to: file)
        let store = HistoryStore(file: file, programName: "dbtsh", warn: { _ in })
        store.load()
        #expect(store.entries.first == "help")
    }

    @Test func unwritableLocationWarnsOnceAndNeverCrashes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let blocker = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let warnings = WarningLog()
        let store = HistoryStore(file: blocker.appendingPathComponent("history"), programName: "dbtsh", warn: warnings.append)
        store.load()
        store.record("one")
        store.record("two")
        #expect(warnings.lines.count == 1)
        #expect(store.entries == ["one", "two"])
    }
}

final class WarningLog: Sendable {
    private let stored = Mutex<[String]>([])
    var lines: [String] { stored.withLock { $0 } }
    func append(_ line: String) { stored.withLock { $0.append(line) } }
}
