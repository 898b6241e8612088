/// How a ``SandboxServer`` listens and how fast its simulated runs progress.
public struct SandboxConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    /// Serve HTTPS with a freshly generated self-signed certificate (see ``SandboxServer/certificatePEM``).
    public var tls: Bool
    /// How long each simulated run phase (queued, starting, every step) takes.
    public var stepSeconds: Double
    /// Additional seeded finished runs, for listings and benchmarks.
    public var extraRuns: Int
    /// Also serve account 44 "Acme Sandbox" (``DemoWorld/secondAccountID``), which has nothing
    /// in it: for telling accounts apart.
    public var secondAccount: Bool

    public init(host: String = "127.0.0.1", port: Int = 0, tls: Bool = false, stepSeconds: Double = 1.5, extraRuns: Int = 0,
                secondAccount: Bool = false) {
        self.host = host
        self.port = port
        self.tls = tls
        self.stepSeconds = stepSeconds
        self.extraRuns = extraRuns
        self.secondAccount = secondAccount
    }
}
