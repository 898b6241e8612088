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

    /// `dbt acme/analytics:prod job 43167 run 901 > `
    public var prompt: String {
        var text = "dbt"
        if let account {
            text += " " + Self.short(account)
            if let project {
                text += "/" + Self.short(project)
                if let environment { text += ":" + Self.short(environment) }
            }
        }
        if let job { text += " job \(job.id)" }
        if let run { text += " run \(run.id)" }
        return text + " > "
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
