import Foundation

/// Everything the sandbox knows; mutated only under the store's lock.
struct WorldState: Sendable {
    var account: JSONValue = nil
    /// Accounts the token also sees, with nothing in them.
    var emptyAccounts: [JSONValue] = []
    var projects: [JSONValue] = []
    var environments: [JSONValue] = []
    var connections: [JSONValue] = []
    var repositories: [JSONValue] = []
    var users: [JSONValue] = []
    var groups: [JSONValue] = []
    var serviceTokens: [JSONValue] = []
    var webhooks: [JSONValue] = []
    var notifications: [JSONValue] = []
    var auditLogs: [JSONValue] = []

    /// Jobs by id; `jobOrder` keeps ascending ids.
    var jobs: [Int: JobRecord] = [:]
    var jobOrder: [Int] = []
    /// Runs in ascending id order, with an index by id.
    var runs: [RunRecord] = []
    var runIndex: [Int: Int] = [:]

    var nextRunID = 100_000
    var nextJobID = 60_001
    var nextTriggerID = 5_000_000

    mutating func insert(job: JobRecord) {
        if jobs[job.id] == nil {
            jobOrder.append(job.id)
            jobOrder.sort()
        }
        jobs[job.id] = job
    }

    mutating func append(run: RunRecord) {
        runIndex[run.id] = runs.count
        runs.append(run)
    }

    func run(_ id: Int) -> RunRecord? {
        runIndex[id].map { runs[$0] }
    }

    mutating func updateRun(_ id: Int, _ change: (inout RunRecord) -> Void) {
        guard let index = runIndex[id] else { return }
        change(&runs[index])
    }

    func environment(_ id: Int) -> JSONValue? { environments.first { $0["id"]?.intValue == id } }
    func project(_ id: Int) -> JSONValue? { projects.first { $0["id"]?.intValue == id } }

    /// The step with this id, looked up through its run.
    func stepLocation(_ stepID: Int) -> (run: RunRecord, index: Int)? {
        guard let run = run(stepID / 100) else { return nil }
        let index = stepID % 100
        return index >= 1 && index <= run.steps.count ? (run, index) : nil
    }
}
