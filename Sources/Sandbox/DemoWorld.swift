/// The ids and token of the seeded demo world (see docs/TEAM-CONTRACTS.md).
public enum DemoWorld {
    public static let token = "dbtsh-demo-token"
    /// A second valid token that may read but gets 403 on every write.
    public static let readOnlyToken = "dbtsh-readonly-token"
    public static let accountID = 43
    /// An empty second account, served with ``SandboxConfiguration/secondAccount``.
    public static let secondAccountID = 44
    public static let analyticsProjectID = 100, marketingProjectID = 101
    public static let productionEnvironmentID = 202
    public static let failingJobID = 43167, succeedingJobID = 43168
    public static let failedRunID = 902, lastSuccessfulFailingJobRunID = 901
}
