import Foundation
import Testing
@testable import DbtCloud

@Suite struct TimestampTests {
    static let reference = 1_638_873_241.0  // 2021-12-07 10:34:01 UTC

    @Test(arguments: [
        ("2021-12-07 10:34:01.982824+00:00", reference + 0.982824),
        ("2021-12-07T10:34:01.982824Z", reference + 0.982824),
        ("2021-12-07T10:34:01.98+00:00", reference + 0.98),
        ("2021-12-07 10:34:01+00:00", reference),
        ("2021-12-07T10:34:01Z", reference),
        ("2021-12-07T12:34:01+02:00", reference),
        ("2021-12-07T05:04:01.5-05:30", reference + 0.5),
        ("2021-12-07T10:34:01.1234567Z", reference + 0.1234567),
        ("2021-12-07T10:34:01", reference),
        ("2021-12-07 10:34:01.982824+0000", reference + 0.982824),
    ])
    func parsesTheRealShapes(text: String, expected: Double) throws {
        let date = try #require(DbtTimestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_001)
    }

    @Test(arguments: ["", "yesterday", "2021-13-07T10:34:01Z", "2021-12-07T25:00:00Z", "2021-12-07T10:34:01.Z", "2021-12-07T10:34:01+00:00 junk"])
    func rejectsGarbage(text: String) {
        #expect(DbtTimestamp.parse(text) == nil)
    }

    @Test func leapDayAndOldDates() {
        #expect(DbtTimestamp.parse("2024-02-29T00:00:00Z")?.timeIntervalSince1970 == 1_709_164_800)
        #expect(DbtTimestamp.parse("1970-01-01 00:00:00+00:00")?.timeIntervalSince1970 == 0)
    }

    @Test(arguments: [
        ("00:01:50", 110.0), ("00:00:12", 12.0), ("26:00:01", 93_601.0), ("1 day, 2:03:04", 93_784.0), ("00:00:01.5", 1.5),
    ])
    func parsesDurations(text: String, seconds: Double) {
        #expect(DbtDuration.parse(text) == seconds)
    }

    @Test func rejectsBadDurations() {
        #expect(DbtDuration.parse("1 minute, 50 seconds") == nil)
        #expect(DbtDuration.parse("00:61:00") == nil)
        #expect(DbtDuration.parse("") == nil)
    }

    @Test func formatsDurationsCompactly() {
        #expect(DbtDuration.format(110) == "1m 50s")
        #expect(DbtDuration.format(12) == "12s")
        #expect(DbtDuration.format(3723) == "1h 02m 03s")
    }

    @Test func runStatusCodesNamesAndTerminality() {
        #expect(RunStatus.allKnown.map(\.code) == [1, 2, 3, 10, 20, 30])
        #expect(RunStatus.allKnown.filter(\.isTerminal) == [.success, .error, .cancelled])
        #expect(RunStatus(code: 20) == .error)
        #expect(RunStatus(code: 99) == .unknown(99))
        #expect(RunStatus(code: 99).isTerminal == false)
        #expect(RunStatus(name: "Cancelled") == .cancelled)
        #expect(RunStatus(name: "failed") == .error)
        #expect(RunStatus(name: "nope") == nil)
    }
}
