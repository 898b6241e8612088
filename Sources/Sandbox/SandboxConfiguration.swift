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

    public init(host: String = "127.0.0.1", port: Int = 0, tls: Bool = false, stepSeconds: Double = 1.5, extraRuns: Int = 0) {
        self.host = host
        self.port = port
        self.tls = tls
        self.stepSeconds = stepSeconds
        self.extraRuns = extraRuns
    }
}
