/// The session's position: account → project → environment → job → run (SHELL.md §3).
public struct ShellContext: Sendable, Equatable {
    public enum Level: String, Sendable, CaseIterable, Comparable {
        case account, project, environment, job, run

        public static func < (a: Level, b: Level) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }

        public static func named(_ text: String) -> Level? {
            switch text.lowercased() {
            case "account", "acct": return .account
            case "project", "proj": return .project
            case "environment", "env": return .environment
            case "job": return .job
            case "run": return .run
            default: return nil
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        public var id: Int
        public var name: String?
        public init(id: Int, name: String? = nil) {
            self.id = id
            self.name = name
        }
    }

    public var account: Entry?
    public var project: Entry?
    public var environment: Entry?
    public var job: Entry?
    public var run: Entry?

    public init() {}

    public subscript(level: Level) -> Entry? {
        get {
            switch level {
            case .account: return account
            case .project: return project
            case .environment: return environment
            case .job: return job
            case .run: return run
            }
        }
        set {
            switch level {
            case .account: account = newValue
            case .project: project = newValue
            case .environment: environment = newValue
            case .job: job = newValue
            case .run: run = newValue
            }
        }
    }

    /// Clears `level` and every level below it.
    public mutating func clear(from level: Level) {
        for each in Level.allCases where each >= level { self[each] = nil }
    }

    /// `dbt acme/analytics:prod job 43167 run 901 > `, as wide as it can be.
    public var prompt: String { prompt(width: nil) }

    /// The prompt for a terminal `width` columns wide: it gives up the environment, then the
    /// project, then the account to stay within two thirds of the line, and always keeps
    /// the ids of job and run. `accounts` are the accounts the token sees: an account whose
    /// first word another one shares is shown by its whole name (`acme-sandbox`).
    public func prompt(width: Int?, accounts: [Entry] = []) -> String {
        let forms = PromptForm.allCases.map { render($0, accounts: accounts) }
        guard let width else { return forms[0] }
        let budget = max(24, width * 2 / 3)
        return forms.first { $0.count <= budget } ?? forms[forms.count - 1]
    }

    /// How much of the context a prompt names, from all of it to the ids alone.
    private enum PromptForm: CaseIterable {
        case full, withoutEnvironment, accountOnly, idsOnly
    }

    private func render(_ form: PromptForm, accounts: [Entry]) -> String {
        var text = "dbt"
        if let account, form != .idsOnly {
            text += " " + Self.label(of: account, among: accounts)
            if let project, form == .full || form == .withoutEnvironment {
                text += "/" + Self.short(project)
                if let environment, form == .full { text += ":" + Self.short(environment) }
            }
        }
        if let job { text += " job \(job.id)" }
        if let run { text += " run \(run.id)" }
        return text + " > "
    }

    /// The account's first word, or its whole name when another account begins with the same
    /// word, followed by its id when another account has the very same name (`acme#45`); its
    /// id when it has no name.
    static func label(of account: Entry, among accounts: [Entry]) -> String {
        guard let name = account.name, !name.isEmpty else { return String(account.id) }
        let others = accounts.filter { $0.id != account.id }.compactMap(\.name)
        let words = Self.words(of: name)
        guard let first = words.first else { return String(account.id) }
        guard others.contains(where: { Self.words(of: $0).first == first }) else { return String(first.prefix(16)) }
        let whole = words.joined(separator: "-")
        let shown = whole.count > 24 ? String(whole.prefix(23)) + "…" : whole
        if others.contains(where: { Self.words(of: $0).joined(separator: "-") == whole }) {
            return shown + "#\(account.id)"
        }
        return shown
    }

    /// The words of a name, lowercased; a name from the network is read only so far.
    private static func words(of name: String) -> [String] {
        name.prefix(200).lowercased().split(separator: " ").map(String.init)
    }

    private static func short(_ entry: Entry) -> String {
        guard let name = entry.name, !name.isEmpty else { return String(entry.id) }
        let word = name.split(separator: " ").first.map(String.init) ?? name
        let lowered = word.lowercased()
        switch lowered {
        case "production": return "prod"
        case "development": return "dev"
        case "staging": return "staging"
        default: return lowered.count > 16 ? String(lowered.prefix(16)) : lowered
        }
    }

    public var lines: [(String, String)] {
        Level.allCases.compactMap { level in
            guard let entry = self[level] else { return nil }
            let shown = entry.name.map { "\(entry.id) (\($0))" } ?? String(entry.id)
            return (level.rawValue, shown)
        }
    }
}
