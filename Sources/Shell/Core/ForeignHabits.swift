import Foundation

/// What dbt-cloud-cli users type (`job get --job-id 43167`, `run list`, `--run-id`), answered
/// with the dbtsh command that does it. They are errors (exit 2), never run: `run list` must
/// not trigger a run, and a script ported from dbt-cloud-cli stops at its first such line.
enum ForeignHabits {
    /// dbt-cloud-cli's `GROUP SUBCOMMAND` and the dbtsh command it becomes, given its flags.
    private static let commands: [String: @Sendable (Flags) -> String] = [
        "account list": { _ in "accounts" },
        "account get": { _ in "show account" },
        "project list": { _ in "projects" },
        "project get": { "show project" + $0.value("project-id") },
        "environment list": { "environments" + $0.option("project-id", as: "project") },
        "environment get": { "show environment" + $0.value("environment-id") },
        "connection list": { _ in "connections" },
        "job list": { "jobs" + $0.option("project-id", as: "project") },
        "job get": { "show job" + $0.value("job-id") },
        "job run": { "run" + $0.option("job-id", as: "job") + $0.option("cause") + $0.switchFlag("wait") },
        "run list": { "runs" + $0.option("job-id", as: "job") + $0.option("status") + $0.option("limit") },
        "run get": { "show run" + $0.value("run-id") },
        "run cancel": { "cancel" + $0.value("run-id") },
        "run list-artifacts": { "artifacts" + $0.option("run-id", as: "run") + $0.option("step") },
        "run get-artifact": {
            "artifacts get" + $0.value("path") + $0.option("run-id", as: "run") + $0.option("step") + $0.option("file", as: "output-path")
        },
        "metadata query": { "query" + ($0.value("file").isEmpty ? " FILE" : $0.value("file")) },
    ]

    /// `error:` text for words that are dbt-cloud-cli's (or another shell's way to set a variable), or nil.
    static func translation(of words: [String]) -> String? {
        guard words.count >= 2 else { return nil }
        let typed = words[0] + " " + words[1]
        if typed == "set var" || typed == "set variable" {
            let assignment = words.count >= 4 ? "let \(ShellQuoting.quoted(words[2])) \(ShellQuoting.quoted(words[3]))" : "let NAME VALUE"
            return "'\(typed)': variables are set with let; in dbtsh: \(assignment) (see 'help let')"
        }
        guard let translate = commands[typed] else { return nil }
        let dbtsh = translate(Flags(words.dropFirst(2)))
        return "'\(typed)' is dbt-cloud-cli's; in dbtsh: \(dbtsh) (see 'help \(dbtsh.split(separator: " ").first ?? "")')"
    }

    /// dbt-cloud-cli's id flags and the dbtsh option or argument kind they become.
    private static let idFlags: [String: (option: String, kind: ArgumentKind)] = [
        "job-id": ("job", .job), "run-id": ("run", .run), "project-id": ("project", .project),
        "environment-id": ("environment", .environment), "account-id": ("account", .account),
    ]

    /// The hint for an unknown option of `spec`: the dbtsh form of a dbt-cloud-cli id flag, the
    /// nearest declared option, or the list of them.
    static func optionHint(for name: String, value: String?, spec: CommandSpec) -> String {
        let declared = spec.allFlags.map(\.name)
        if let (option, kind) = idFlags[name] {
            if declared.contains(option) { return "did you mean --\(option)?" }
            if spec.positionals.contains(where: { $0.kind == kind }) {
                return "the \(option) is an argument here: \(spec.name) \(value ?? option.uppercased())"
            }
            if kind == .account { return "the account comes from the context: 'use account \(value ?? "ID")' (or dbtsh --account ID)" }
            return "the \(option) comes from the context: 'use \(option) \(value ?? "ID")'"
        }
        if let near = Suggestion.nearest(to: name, in: declared) { return "did you mean --\(near)?" }
        return "options: " + declared.map { "--" + $0 }.joined(separator: ", ")
    }

    /// dbt-cloud-cli flags as given, to carry their values over.
    struct Flags {
        private var values: [String: String] = [:]
        private static let positional = ""

        init(_ words: ArraySlice<String>) {
            var index = words.startIndex
            while index < words.endIndex {
                let word = words[index]
                index += 1
                guard word.hasPrefix("-") else {
                    // `job get 43167`: the id typed without its flag.
                    if values[Self.positional] == nil { values[Self.positional] = word }
                    continue
                }
                var name = String(word.drop { $0 == "-" })
                if let equals = name.firstIndex(of: "=") {
                    values[String(name[..<equals])] = String(name[name.index(after: equals)...])
                    continue
                }
                if name == "f" { name = "file" }
                if index < words.endIndex, !words[index].hasPrefix("-") {
                    values[name] = words[index]
                    index += 1
                } else {
                    values[name] = ""
                }
            }
        }

        /// ` VALUE` of `--name` (or of the word typed without a flag), or nothing.
        func value(_ name: String) -> String {
            guard let value = values[name] ?? values[Self.positional], !value.isEmpty else { return "" }
            return " " + ShellQuoting.quoted(value)
        }

        /// ` --dbtsh-name VALUE` of `--name`, or nothing.
        func option(_ name: String, as dbtshName: String? = nil) -> String {
            guard let value = values[name], !value.isEmpty else { return "" }
            return " --\(dbtshName ?? name) " + ShellQuoting.quoted(value)
        }

        func switchFlag(_ name: String) -> String {
            values[name] != nil ? " --\(name)" : ""
        }
    }
}

/// Words written so that dbtsh's lexer reads them back unchanged.
enum ShellQuoting {
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "-_./:=@%+,".unicodeScalars.contains(scalar)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
