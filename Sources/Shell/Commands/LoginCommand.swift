import DbtCloud
import Foundation

struct LoginCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "login", summary: "give dbtsh an API token: checked against dbt Cloud, then used by this session",
        discussion: """
        On a terminal the token is asked for without echo, and never reaches the history; otherwise it is the first \
        line of standard input (dbtsh -c 'login --save' < token-file). The accounts the token sees are listed; with \
        one, it becomes the context's account. The token can be saved to the profile in the profiles file (mode \
        600, written whole or not at all): --save saves it, a terminal asks, a script does not save without --save.
        """,
        examples: ["login", "login --save", "login --profile prod --save"])
    @Argument("TOKEN", help: "refused: a token typed on the command line stays in the terminal's scrollback") var typedToken: String?
    @Flag("save", help: "save the token to the profiles file without asking") var save: Bool
    @Option("profile", valueName: "NAME", help: "the profile to save to (default: the session's, else 'default')") var profile: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        if typedToken != nil {
            throw CommandFailure.usage("login: the token is not taken on the command line (it would stay on the screen); type 'login' alone and paste it when asked")
        }
        guard let connect = session.services.connect else {
            throw CommandFailure.usage("login: this session has no dbt Cloud to log in to")
        }
        let secret = try session.console.readSecret("dbt Cloud API token (input hidden): ", for: "login")
        let token = APIToken(secret)
        guard !token.isEmpty else { throw CommandFailure.usage("login: no token given") }
        let client = try connect(token)
        let accounts: [Account]
        do {
            accounts = try await client.accounts().collect()
        } catch {
            await client.shutdown()
            throw error
        }
        adopt(client, token: token, accounts: accounts, in: session)
        let count = accounts.count
        session.console.errorLine("logged in to \(client.host.displayName): the token sees \(count) account\(count == 1 ? "" : "s")")
        try AccountsCommand.listing.print(accounts, output: output, session: session, emptyMessage: "no accounts", command: "login")
        if count > 1, session.context.account == nil {
            session.console.errorLine("next: 'use account ID'")
        }
        try saveIfWanted(token, host: client.host, accounts: accounts, in: session)
        return 0
    }

    /// The session uses the new client from now on; the old one is shut down with the session.
    private func adopt(_ client: DbtCloudClient, token: APIToken, accounts: [Account], in session: Session) {
        var services = session.services
        if let old = services.client { services.retiredClients.append(old) }
        services.client = client
        services.token = token
        session.services = services
        session.listings.store(.items(of: accounts), for: .accounts)
        session.updateContext { context in
            if let current = context.account, accounts.contains(where: { $0.id == current.id }) { return }
            context = ShellContext()
            if accounts.count == 1, let only = accounts.first {
                context.account = .init(id: only.id, name: only.name)
            }
        }
    }

    private func saveIfWanted(_ token: APIToken, host: DbtHost, accounts: [Account], in session: Session) throws {
        guard var location = session.services.profile else {
            if save { throw CommandFailure.usage("login: not saved: this session has no profiles file (--demo)") }
            return
        }
        if let profile { location.name = profile }
        let shown = location.file.path.replacingOccurrences(of: session.environment["HOME"].map { $0 + "/" } ?? "\u{0}", with: "~/")
        let wanted = save || (session.canPrompt && session.console.stderrIsTerminal
            && session.console.confirm("save it to profile '\(location.name)' in \(shown)? [y/N] "))
        guard wanted else {
            session.console.errorLine("not saved: 'login --save' saves it to \(shown)")
            return
        }
        let account = session.context.account?.id
        let hostText = host == DbtHost.default ? nil : (host.apiBaseURL.scheme == "https" ? host.displayName : host.description)
        try ProfilesFile(url: location.file).save(profile: location.name, token: token, host: hostText, accountID: account)
        session.console.errorLine("saved to profile '\(location.name)' in \(shown) (mode 600)")
    }
}
