import Sandbox
import Shell
import Testing

/// Issue 11.5: read-only set by `--readonly` or `DBT_CLOUD_READONLY` holds for the whole process.
@Suite("read-only for the whole session", .sandbox())
struct ReadonlyTests {
    static var fixed: Settings {
        var settings = Settings()
        settings.fixReadonly()
        return settings
    }

    @Test("set readonly off is refused in one line, exit 2, and read-only stays on")
    func cannotBeSwitchedOff() async throws {
        try await withShell { _, fixture in
            let shell = fixture.shell(settings: Self.fixed)
            let output = await shell.run("set readonly off")
            #expect(output.status == 2, "\(output)")
            #expect(output.stderrLines == ["error: set readonly off: refused, read-only was set by --readonly or DBT_CLOUD_READONLY and holds for the whole session"])
            #expect(await shell.run("set readonly").stdoutLines == ["readonly: on"])
            #expect(await shell.run("set readonly on").status == 0)
        }
    }

    @Test("after a refused set readonly off, every change is still refused before a request is sent")
    func changesStayRefused() async throws {
        try await withShell { _, fixture in
            let script = """
                set errexit off
                set readonly off
                use job 43167
                run
                cancel 902
                retry 902
                job delete 43168 --yes
                api POST /api/v2/accounts/{account}/jobs/43167/run/ --data '{"cause":"x"}'
                """
            let shell = fixture.shell(settings: Self.fixed)
            let output = await shell.run(script)
            #expect(output.stderrLines.count == 6, "\(output)")
            #expect(output.stderrLines.allSatisfy { $0.contains("refused") }, "\(output)")
            #expect(output.status == 2)
            #expect(shell.requests().allSatisfy { $0.method == "GET" }, "nothing but GETs were sent")
        }
    }

    @Test("read-only set in the session can be lifted in the session")
    func sessionSettingCanBeLifted() async throws {
        try await withShell { shell, _ in
            #expect(await shell.run("set readonly on; set readonly off; set readonly").stdoutLines == ["readonly: off"])
        }
    }
}
