import Foundation
import Config
import DbtCloud
import Testing

/// An in-memory file system for the resolver: path → (text, mode).
private struct FakeFiles: Sendable {
    var files: [String: ConfigFileContents] = [:]

    func reader() -> @Sendable (URL) throws -> ConfigFileContents? {
        let files = self.files
        return { url in files[url.path] }
    }
}

@Suite struct CredentialTests {
    let home = URL(fileURLWithPath: "/home/ada")
    var profilesPath: String { "/home/ada/.config/dbtsh/profiles.yml" }
    var dbtCloudPath: String { "/home/ada/.dbt/dbt_cloud.yml" }

    let profiles = """
        default: prod
        profiles:
          prod:
            host: ab123.us1.dbt.com
            token: profile-token
            account: 43
            project: 100
            environment: 202
          staging:
            host: emea.dbt.com
            token: staging-token
            account: 7
        """

    let dbtCloudYAML = """
        version: "1"
        context:
          active-project: "555"
          active-host: "cloud.getdbt.com"
        projects:
          - project-name: "other"
            project-id: "444"
            account-name: "Other"
            account-id: "9"
            account-host: "xy1.eu1.dbt.com"
            token-name: "pat"
            token-value: "yaml-token-444"
          - project-name: "main"
            project-id: "555"
            account-name: "Main"
            account-id: "12"
            account-host: "cloud.getdbt.com"
            token-name: "pat"
            token-value: "yaml-token-555"
        """

    func resolver(
        flags: CredentialFlags = .init(), environment: [String: String] = [:], files: [String: ConfigFileContents]
    ) -> CredentialResolver {
        CredentialResolver(flags: flags, environment: environment, homeDirectory: home, readFile: FakeFiles(files: files).reader())
    }

    @Test func flagsBeatEnvironmentBeatsProfileBeatsDbtCloudYAML() throws {
        let files = [
            profilesPath: ConfigFileContents(text: profiles, permissions: 0o600),
            dbtCloudPath: ConfigFileContents(text: dbtCloudYAML, permissions: 0o644),
        ]
        let environment = ["DBT_CLOUD_ACCOUNT_ID": "44", "DBT_CLOUD_JOB_ID": "43167", "DBT_CLOUD_API_TOKEN": "env-token"]
        let settings = try resolver(flags: CredentialFlags(accountID: 45), environment: environment, files: files).resolve()
        #expect(settings.accountID == 45)
        #expect(settings.sources["account"] == .flag("--account"))
        #expect(settings.token == APIToken("env-token"))
        #expect(settings.sources["token"] == .environment("DBT_CLOUD_API_TOKEN"))
        #expect(settings.jobID == 43167)
        #expect(settings.host.apiBaseURL.absoluteString == "https://ab123.us1.dbt.com")
        #expect(settings.sources["host"] == .profile(name: "prod", file: "~/.config/dbtsh/profiles.yml"))
        #expect(settings.projectID == 100)
        #expect(settings.environmentID == 202)
        #expect(settings.profileName == "prod")
    }

    @Test func namedProfileByFlagOrEnvironment() throws {
        let files = [profilesPath: ConfigFileContents(text: profiles, permissions: 0o600)]
        let byFlag = try resolver(flags: CredentialFlags(profile: "staging"), files: files).resolve()
        #expect(byFlag.host.displayName == "emea.dbt.com")
        #expect(byFlag.accountID == 7)
        let byEnvironment = try resolver(environment: ["DBTSH_PROFILE": "staging"], files: files).resolve()
        #expect(byEnvironment.token == APIToken("staging-token"))
    }

    @Test func unknownProfileIsAnErrorNamingTheKnownOnes() {
        let files = [profilesPath: ConfigFileContents(text: profiles, permissions: 0o600)]
        #expect {
            try resolver(flags: CredentialFlags(profile: "qa"), files: files).resolve()
        } throws: { error in
            let text = "\(error)"
            return text.contains("profile `qa` not found") && text.contains("prod, staging")
        }
    }

    @Test func xdgConfigHomeMovesTheProfilesFile() throws {
        let files = ["/xdg/dbtsh/profiles.yml": ConfigFileContents(text: profiles, permissions: 0o600)]
        let settings = try resolver(environment: ["XDG_CONFIG_HOME": "/xdg"], files: files).resolve()
        #expect(settings.accountID == 43)
    }

    @Test(arguments: [UInt16(0o644), 0o640, 0o604, 0o666])
    func refusesAProfilesFileOthersCanRead(mode: UInt16) {
        let files = [profilesPath: ConfigFileContents(text: profiles, permissions: mode)]
        #expect {
            try resolver(files: files).resolve()
        } throws: { error in
            let error = error as? DbtCloudError
            return error?.description.contains("chmod 600 ~/.config/dbtsh/profiles.yml") == true && error?.kind == .configuration
        }
    }

    @Test func dbtCloudYAMLCurrentFormatUsesTheActiveProject() throws {
        let files = [dbtCloudPath: ConfigFileContents(text: dbtCloudYAML, permissions: 0o644)]
        let settings = try resolver(files: files).resolve()
        #expect(settings.projectID == 555)
        #expect(settings.accountID == 12)
        #expect(settings.token == APIToken("yaml-token-555"))
        #expect(settings.host.isLegacyMultiTenant)
        #expect(settings.sources["token"] == .dbtCloudYAML(file: "~/.dbt/dbt_cloud.yml"))
    }

    @Test func dbtCloudYAMLFollowsTheProjectFlag() throws {
        let files = [dbtCloudPath: ConfigFileContents(text: dbtCloudYAML, permissions: 0o644)]
        let settings = try resolver(flags: CredentialFlags(projectID: 444), files: files).resolve()
        #expect(settings.token == APIToken("yaml-token-444"))
        #expect(settings.host.displayName == "xy1.eu1.dbt.com")
        #expect(settings.accountID == 9)
    }

    @Test func dbtCloudYAMLLegacyAPIKeyFormat() throws {
        let legacy = """
            version: "1"
            context:
              active-project: "321"
              active-host: "emea.dbt.com"
            projects:
              - project-id: "321"
                account-host: "emea.dbt.com"
                api-key: "legacy-key"
            """
        let files = [dbtCloudPath: ConfigFileContents(text: legacy, permissions: 0o644)]
        let settings = try resolver(files: files).resolve()
        #expect(settings.token == APIToken("legacy-key"))
        #expect(settings.projectID == 321)
        #expect(settings.accountID == nil)
        #expect(settings.host.displayName == "emea.dbt.com")
    }

    @Test func theDocumentedTemplatesParse() throws {
        for name in ["dbt_cloud.yml.current-format.yml", "dbt_cloud.yml.legacy-api-key-format.yml"] {
            let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"))
            let text = try String(contentsOf: url, encoding: .utf8)
            let files = [dbtCloudPath: ConfigFileContents(text: text, permissions: 0o600)]
            // Placeholder values: no project entry matches `<project id from the list below>`, so the
            // file contributes nothing and the built-in default host stays.
            let settings = try resolver(files: files).resolve()
            #expect(settings.token == nil)
            #expect(settings.sources["host"] == ResolvedSettings.Source.builtInDefault)
            // With the project picked by flag, the placeholder host is reported as an invalid host.
            #expect(throws: DbtCloudError.self) {
                try resolver(flags: CredentialFlags(projectID: 1), files: [
                    dbtCloudPath: ConfigFileContents(text: text.replacingOccurrences(of: "\"<project-id>\"", with: "1"), permissions: 0o600)
                ]).resolve()
            }
        }
    }

    @Test func environmentOnlyWithDefaultHost() throws {
        let settings = try resolver(
            environment: ["DBT_CLOUD_API_TOKEN": "t", "DBT_CLOUD_HOST": "emea.dbt.com", "DBT_CLOUD_PROJECT_ID": "5"],
            files: [:]
        ).resolve()
        #expect(settings.host.displayName == "emea.dbt.com")
        #expect(settings.projectID == 5)
        let bare = try resolver(files: [:]).resolve()
        #expect(bare.host == .default)
        #expect(bare.sources["host"] == .builtInDefault)
        #expect(bare.token == nil)
    }

    @Test func badEnvironmentIDsAreRefused() {
        #expect(throws: DbtCloudError.self) {
            try resolver(environment: ["DBT_CLOUD_ACCOUNT_ID": "acme"], files: [:]).resolve()
        }
        #expect(throws: DbtCloudError.self) {
            try resolver(environment: ["DBT_CLOUD_HOST": "http://cloud.getdbt.com"], files: [:]).resolve()
        }
    }

    @Test func realFileReaderReportsPermissions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("profiles.yml")
        try "profiles: {}".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        let read = try #require(try ConfigFileContents.read(file))
        #expect(read.permissions == 0o640)
        #expect(try ConfigFileContents.read(directory.appendingPathComponent("missing.yml")) == nil)
    }

    @Test("~/.dbt/dbt_cloud.yml readable by others is used with a warning and the chmod 600 hint")
    func readableDbtCloudYAMLWarns() throws {
        let yaml = """
            version: "1"
            context:
              active-project: "555"
            projects:
              - project-id: "555"
                account-id: "43"
                account-host: "cloud.getdbt.com"
                token-value: "yaml-token"
            """
        for (mode, warns) in [(UInt16(0o644), true), (0o640, true), (0o600, false), (0o400, false)] {
            let resolver = CredentialResolver(
                flags: CredentialFlags(), environment: [:], homeDirectory: URL(fileURLWithPath: "/home/ada"),
                readFile: { url in url.path.hasSuffix("dbt_cloud.yml") ? ConfigFileContents(text: yaml, permissions: mode) : nil })
            let resolved = try resolver.resolve()
            #expect(resolved.token == APIToken("yaml-token"))
            let warning = resolved.warnings.first { $0.contains("readable by others") }
            #expect((warning != nil) == warns, "mode \(String(mode, radix: 8)): \(resolved.warnings)")
            if let warning { #expect(warning.contains("chmod 600 ~/.dbt/dbt_cloud.yml")) }
        }
    }

    @Test("resolved settings never show the token, printed or dumped")
    func settingsHideTheToken() {
        let settings = ResolvedSettings(host: .default, token: APIToken("dbtu_supersecret_value"))
        var dumped = ""
        dump(settings, to: &dumped)
        #expect(!dumped.contains("supersecret"))
        #expect(!"\(settings)".contains("supersecret"))
    }

    @Test("dbt_project.yml's dbt-cloud: project-id picks the project and the dbt_cloud.yml entry")
    func dbtProjectPicksTheProject() throws {
        let project = """
            name: lumen_shop
            version: "1.0.0"
            dbt-cloud:
              project-id: 444
            """
        let files = [
            dbtCloudPath: ConfigFileContents(text: dbtCloudYAML, permissions: 0o600),
            "/home/analyst/lumen_shop/dbt_project.yml": ConfigFileContents(text: project, permissions: 0o644),
        ]
        let inProject = CredentialResolver(
            flags: CredentialFlags(), environment: [:], homeDirectory: home,
            workingDirectory: URL(fileURLWithPath: "/home/analyst/lumen_shop"), readFile: FakeFiles(files: files).reader())
        let settings = try inProject.resolve()
        #expect(settings.projectID == 444)
        #expect(settings.sources["project"] == .dbtProjectYAML(file: "./dbt_project.yml"))
        #expect(settings.token == APIToken("yaml-token-444"))
        #expect(settings.host.displayName == "xy1.eu1.dbt.com")

        // The environment names the project first; elsewhere the active project stands.
        let byEnvironment = CredentialResolver(
            flags: CredentialFlags(), environment: ["DBT_CLOUD_PROJECT_ID": "555"], homeDirectory: home,
            workingDirectory: URL(fileURLWithPath: "/home/analyst/lumen_shop"), readFile: FakeFiles(files: files).reader())
        #expect(try byEnvironment.resolve().token == APIToken("yaml-token-555"))
        #expect(try resolver(files: files).resolve().projectID == 555)
    }

    @Test("a dbt_project.yml without dbt-cloud names no project; a bad project-id is one clear error")
    func dbtProjectWithoutCloudKey() throws {
        func resolve(_ text: String) throws -> ResolvedSettings {
            let files = ["/p/dbt_project.yml": ConfigFileContents(text: text, permissions: 0o644)]
            return try CredentialResolver(
                flags: CredentialFlags(), environment: [:], homeDirectory: home,
                workingDirectory: URL(fileURLWithPath: "/p"), readFile: FakeFiles(files: files).reader()
            ).resolve()
        }
        #expect(try resolve("name: shop\nversion: '1.0'\n").projectID == nil)
        #expect(try resolve("{{ not yaml").projectID == nil)
        #expect {
            _ = try resolve("dbt-cloud:\n  project-id: abc\n")
        } throws: { error in
            (error as? DbtCloudError)?.message.contains("project-id` in ./dbt_project.yml must be a positive integer") == true
        }
    }
}
