import Foundation

/// Builds the demo world of docs/TEAM-CONTRACTS.md.
enum DemoSeed {
    /// When the failed run 902 was created: the fixtures were recorded at 2026-11-28 23:57:08 UTC.
    static let anchor = Date(timeIntervalSince1970: 1_795_910_226.318_204)
    static let accountCreated = anchor.addingTimeInterval(-400 * 86_400)

    static let fixtureStepSeconds: [StepKind: Double] = [
        .sourceFreshness: 5.0, .build: 6.0, .docsGenerate: 4.0, .other: 2.0,
    ]

    /// `now` places the runs that are in progress when the sandbox starts (the running shape).
    static func world(extraRuns: Int, now: Date = Date(), secondAccount: Bool = false) -> WorldState {
        var world = WorldState()
        world.account = account()
        if secondAccount {
            world.emptyAccounts = [
                account().setting("id", .int(DemoWorld.secondAccountID)).setting("name", "Acme Sandbox")
                    .setting("identifier", "act_acme44").setting("static_subdomain", "ac044"),
            ]
        }
        world.connections = [connection(id: 300, name: "Analytics warehouse"), connection(id: 301, name: "Marketing warehouse")]
        world.repositories = [
            repository(id: 400, projectID: 100, name: "lumen_shop"), repository(id: 401, projectID: 101, name: "marketing"),
        ]
        world.projects = [
            project(id: 100, name: "analytics", description: "The lumen_shop dbt project", connectionID: 300, repositoryID: 400, world: world),
            project(id: 101, name: "marketing", description: "Campaign and attribution models", connectionID: 301, repositoryID: 401, world: world),
        ]
        world.environments = [
            environment(id: 200, projectID: 100, name: "Development", type: "development", deploymentType: nil),
            environment(id: 201, projectID: 100, name: "Staging", type: "deployment", deploymentType: "staging"),
            environment(id: 202, projectID: 100, name: "Production", type: "deployment", deploymentType: "production"),
            environment(id: 210, projectID: 101, name: "Development", type: "development", deploymentType: nil),
            environment(id: 211, projectID: 101, name: "Production", type: "deployment", deploymentType: "production"),
        ]
        world.users = users()
        world.groups = groups()
        world.serviceTokens = serviceTokens()
        world.webhooks = webhooks()
        world.notifications = notifications()
        world.auditLogs = auditLogs()
        for job in jobs() { world.insert(job: job) }
        seedRuns(into: &world, extraRuns: extraRuns)
        ShapeJobs.seed(into: &world, now: now)
        return world
    }

    // MARK: - Jobs

    static let otherJobThemes = [
        ("Marketing sync", 101, 211, "dbt build --select tag:marketing"),
        ("Finance snapshot", 100, 202, "dbt snapshot"),
        ("Staging CI", 100, 201, "dbt build --select state:modified+"),
        ("Attribution refresh", 101, 211, "dbt run --select attribution"),
        ("Orders incremental", 100, 202, "dbt run --select fct_orders+"),
    ]

    static func jobs() -> [JobRecord] {
        var jobs: [JobRecord] = [
            JobRecord(
                document: JobRecord.document(
                    id: DemoWorld.failingJobID, accountID: 43, projectID: 100, environmentID: 202, name: "Nightly build",
                    description: "Freshness, build and docs of lumen_shop every night",
                    executeSteps: ["dbt source freshness", "dbt build"], generateDocs: true, scheduled: true,
                    schedule: .nightly, createdAt: accountCreated.addingTimeInterval(86_400)),
                fixtureSet: .failure),
            JobRecord(
                document: JobRecord.document(
                    id: DemoWorld.succeedingJobID, accountID: 43, projectID: 100, environmentID: 202, name: "Hourly refresh",
                    description: "Hourly freshness, build and docs",
                    executeSteps: ["dbt source freshness", "dbt build"], generateDocs: true, scheduled: true,
                    schedule: .hourly, createdAt: accountCreated.addingTimeInterval(2 * 86_400)),
                fixtureSet: .success),
        ]
        for number in 1...128 {
            let theme = otherJobThemes[(number - 1) % otherJobThemes.count]
            let sequence = (number - 1) / otherJobThemes.count + 1
            jobs.append(
                JobRecord(
                    document: JobRecord.document(
                        id: 50_000 + number, accountID: 43, projectID: theme.1, environmentID: theme.2,
                        name: String(format: "%@ %02d", theme.0, sequence),
                        executeSteps: [theme.3], generateDocs: false, scheduled: number % 3 == 0, schedule: .hourly,
                        createdAt: accountCreated.addingTimeInterval(Double(3 * 86_400 + number * 3_600)),
                        jobType: theme.2 == 201 ? "ci" : "scheduled"),
                    fixtureSet: .success))
        }
        return jobs
    }

    // MARK: - Runs

    private struct SeededRun {
        let id: Int
        let jobID: Int
        let createdAt: Date
        let fixtureSet: FixtureSet
        let cancelled: Bool
        let cause: String
        let category: String
    }

    static func seedRuns(into world: inout WorldState, extraRuns: Int) {
        let hour = 3_600.0
        let scheduled = ("Kicked off by schedule", "scheduled")
        var seeded: [SeededRun] = [
            SeededRun(id: 900, jobID: 43167, createdAt: anchor.addingTimeInterval(-48 * hour), fixtureSet: .success, cancelled: false, cause: scheduled.0, category: scheduled.1),
            SeededRun(id: 901, jobID: 43167, createdAt: anchor.addingTimeInterval(-24 * hour), fixtureSet: .success, cancelled: false, cause: scheduled.0, category: scheduled.1),
            SeededRun(id: 902, jobID: 43167, createdAt: anchor, fixtureSet: .failure, cancelled: false, cause: scheduled.0, category: scheduled.1),
            SeededRun(id: 910, jobID: 43168, createdAt: anchor.addingTimeInterval(-3.5 * hour), fixtureSet: .success, cancelled: false, cause: scheduled.0, category: scheduled.1),
            SeededRun(id: 911, jobID: 43168, createdAt: anchor.addingTimeInterval(-2.5 * hour), fixtureSet: .success, cancelled: false, cause: scheduled.0, category: scheduled.1),
            SeededRun(id: 912, jobID: 43168, createdAt: anchor.addingTimeInterval(-1.5 * hour), fixtureSet: .success, cancelled: true, cause: "Triggered via API", category: "api"),
            SeededRun(id: 913, jobID: 43168, createdAt: anchor.addingTimeInterval(-0.5 * hour), fixtureSet: .success, cancelled: false, cause: scheduled.0, category: scheduled.1),
        ]
        for offset in 0..<10 {
            seeded.append(
                SeededRun(
                    id: 920 + offset, jobID: 50_001 + offset,
                    createdAt: anchor.addingTimeInterval(-Double(offset + 1) * 37 * 60 - 5 * hour),
                    fixtureSet: offset == 4 ? .failure : .success, cancelled: false, cause: scheduled.0, category: scheduled.1))
        }
        let extra = min(max(0, extraRuns), 98_000)
        let firstExtra = anchor.addingTimeInterval(-7 * 86_400 - Double(extra) * 600)
        for number in 0..<extra {
            let jobID = world.jobOrder[number % world.jobOrder.count]
            seeded.append(
                SeededRun(
                    id: 1_000 + number, jobID: jobID, createdAt: firstExtra.addingTimeInterval(Double(number) * 600),
                    fixtureSet: number % 11 == 5 ? .failure : .success, cancelled: number % 17 == 3,
                    cause: scheduled.0, category: scheduled.1))
        }
        seeded.sort { $0.id < $1.id }
        for item in seeded {
            guard let job = world.jobs[item.jobID] else { continue }
            let trigger = TriggerRecord(
                id: 4_000_000 + item.id, cause: item.cause, causeCategory: item.category, jobID: job.id,
                createdAt: item.createdAt.addingTimeInterval(-0.02),
                overrides: TriggerRecord.overrideKeys.map { ($0, JSONValue.null) })
            var run = RunFactory.makeRun(
                id: item.id, job: job, trigger: trigger, createdAt: item.createdAt, queuedSeconds: 1.5, startingSeconds: 0.5,
                fixtureSet: item.fixtureSet, duration: { fixtureStepSeconds[$0] ?? 2 })
            if item.cancelled {
                let buildStep = run.steps.first(where: { $0.kind == .build }) ?? run.steps.first
                run.cancelledAt = run.startedAt.addingTimeInterval((buildStep?.start ?? 0) + 2.2)
            }
            world.append(run: run)
        }
    }

    // MARK: - Account objects

    static func account() -> JSONValue {
        .object([
            ("docs_job_id", nil), ("freshness_job_id", nil), ("lock_reason", nil), ("lock_cause", nil),
            ("unlock_if_subscription_renewed", false), ("read_only_seats", 50), ("id", 43), ("name", "Acme Analytics"),
            ("state", 1), ("plan", "enterprise"), ("pending_cancel", false), ("run_slots", 5), ("developer_seats", 10),
            ("it_seats", 1), ("explorer_seats", 20), ("analyst_seats", 5), ("queue_limit", 50),
            ("pod_memory_request_mebibytes", 600), ("run_duration_limit_seconds", 86_400),
            ("enterprise_authentication_method", nil), ("enterprise_login_slug", nil),
            ("enterprise_unique_identifier", nil), ("billing_email_address", "billing@acme.example"), ("locked", false),
            ("develop_file_system", true), ("unlocked_at", nil),
            ("created_at", .string(WireFormat.isoTimestamp(accountCreated))),
            ("updated_at", .string(WireFormat.isoTimestamp(accountCreated.addingTimeInterval(86_400)))),
            ("starter_repo_url", nil), ("sso_reauth", false), ("git_auth_level", "team"), ("identifier", "act_acme43"),
            ("static_subdomain", "ac043"), ("vanity_subdomain", nil), ("docs_job", nil), ("freshness_job", nil),
            ("enterprise_login_url", "https://cloud.getdbt.com/enterprise-login/None/"),
        ])
    }

    /// A connection as the account-level v3 listing gives it (`AccountConnectionList`): the
    /// warehouse only in `adapter_version`, no `type`, `config` always null.
    static func connection(id: Int, name: String) -> JSONValue {
        let created = WireFormat.isoTimestamp(accountCreated.addingTimeInterval(3_600))
        return .object([
            ("id", .int(id)), ("account_id", 43), ("name", .string(name)), ("adapter_version", "postgres_v0"),
            ("private_link_endpoint_id", nil), ("is_ssh_tunnel_enabled", false), ("oauth_configuration_id", nil),
            ("environment__count", 3), ("platform_metadata_credentials_id", nil), ("analytics_credentials_id", nil),
            ("config", nil), ("created_at", .string(created)), ("updated_at", .string(created)),
        ])
    }

    /// The same connection as a project or an environment embeds it (v2 shape): `type`, `details`
    /// and the project it belongs to.
    static func projectConnection(id: Int, projectID: Int, name: String) -> JSONValue {
        let created = WireFormat.isoTimestamp(accountCreated.addingTimeInterval(3_600))
        return .object([
            ("id", .int(id)), ("account_id", 43), ("project_id", .int(projectID)), ("name", .string(name)), ("type", "postgres"),
            ("adapter_version", "postgres_v0"), ("created_by_id", 1), ("created_by_service_token_id", nil),
            (
                "details",
                .object([
                    ("hostname", "warehouse.acme.example"), ("port", 5432), ("dbname", "warehouse"),
                    ("tunnel_enabled", false), ("keepalives_idle", 0),
                ])
            ),
            ("state", 1), ("private_link_endpoint_id", nil), ("oauth_configuration_id", nil),
            ("created_at", .string(created)), ("updated_at", .string(created)),
        ])
    }

    static func repository(id: Int, projectID: Int, name: String) -> JSONValue {
        let created = WireFormat.isoTimestamp(accountCreated.addingTimeInterval(7_200))
        return .object([
            ("id", .int(id)), ("account_id", 43), ("project_id", .int(projectID)), ("full_name", .string("acme/\(name)")),
            ("remote_url", .string("git://github.com/acme/\(name).git")), ("remote_backend", "github"),
            ("git_clone_strategy", "github_app"), ("deploy_key_id", .int(id + 1_000)), ("repository_credentials_id", nil),
            ("github_installation_id", 19_320_059),
            ("pull_request_url_template", .string("https://github.com/acme/\(name)/compare/{{destination}}...{{source}}")),
            ("state", 1), ("created_at", .string(created)), ("updated_at", .string(created)),
            ("deploy_key", .object([("id", .int(id + 1_000)), ("account_id", 43), ("state", 1), ("public_key", "ssh-ed25519 AAAA… sandbox")])),
            ("github_repo", .string("acme/\(name)")), ("name", .string(name)), ("git_provider_id", 9_437),
            ("gitlab", nil), ("git_provider", nil),
        ])
    }

    static func project(
        id: Int, name: String, description: String, connectionID: Int, repositoryID: Int, world: WorldState
    ) -> JSONValue {
        let created = WireFormat.isoTimestamp(accountCreated.addingTimeInterval(3_000))
        return .object([
            ("name", .string(name)), ("account_id", 43), ("description", .string(description)),
            ("repository_id", .int(repositoryID)), ("connection_id", .int(connectionID)), ("id", .int(id)),
            ("created_at", .string(created)), ("updated_at", .string(created)), ("skipped_setup", false), ("state", 1),
            ("dbt_project_subdirectory", nil), ("semantic_layer_config_id", nil), ("type", 0),
            ("connection", world.connections.first { $0["id"]?.intValue == connectionID }
                .map { projectConnection(id: connectionID, projectID: id, name: $0["name"]?.stringValue ?? "") } ?? nil),
            ("repository", world.repositories.first { $0["id"]?.intValue == repositoryID } ?? nil),
            ("group_permissions", []), ("docs_job_id", nil), ("freshness_job_id", nil), ("docs_job", nil),
            ("freshness_job", nil),
        ])
    }

    static func environment(id: Int, projectID: Int, name: String, type: String, deploymentType: String?) -> JSONValue {
        let created = WireFormat.isoTimestamp(accountCreated.addingTimeInterval(4_000 + Double(id)))
        return .object([
            ("dbt_project_subdirectory", nil), ("project_id", .int(projectID)), ("id", .int(id)), ("account_id", 43),
            ("connection_id", .int(projectID == 100 ? 300 : 301)), ("repository_id", .int(projectID == 100 ? 400 : 401)),
            ("credentials_id", .int(id + 700)), ("created_by_id", 1), ("extended_attributes_id", nil),
            ("name", .string(name)), ("use_custom_branch", false), ("custom_branch", nil), ("dbt_version", "latest"),
            ("raw_dbt_version", "latest"), ("supports_docs", .bool(type == "deployment")), ("state", 1),
            ("created_at", .string(created)), ("updated_at", .string(created)), ("type", .string(type)),
            ("deployment_type", .from(deploymentType)), ("enable_model_query_history", false),
        ])
    }

    static func users() -> [JSONValue] {
        let people: [(Int, String, String, String)] = [
            (1, "Dana", "Demo", "owner"), (2, "Sam", "Analyst", "developer"), (3, "Robin", "Reader", "readonly"),
        ]
        return people.map { id, first, last, permission in
            let created = WireFormat.isoTimestamp(accountCreated.addingTimeInterval(Double(id) * 600))
            return .object([
                ("id", .int(id)), ("first_name", .string(first)), ("last_name", .string(last)),
                ("fullname", .string("\(first) \(last)")), ("email", .string("\(first.lowercased())@acme.example")),
                ("email_verified", true), ("is_active", true), ("is_staff", false), ("enable_mfa", false),
                ("created_at", .string(created)), ("last_login", .string(WireFormat.isoTimestamp(anchor))),
                (
                    "permissions",
                    .array([
                        .object([
                            ("id", .int(800 + id)), ("account_id", 43), ("user_id", .int(id)),
                            ("license_type", .string(permission == "readonly" ? "read_only" : "developer")),
                            ("permission_set", .string(permission)), ("state", 1),
                        ])
                    ])
                ),
            ])
        }
    }

    static func groups() -> [JSONValue] {
        [(10, "Owner", "owner"), (11, "Member", "member"), (12, "Everyone", "readonly")].map { id, name, set in
            .object([
                ("id", .int(id)), ("account_id", 43), ("name", .string(name)), ("state", 1),
                ("assign_by_default", .bool(name == "Everyone")), ("sso_mapping_groups", []),
                (
                    "group_permissions",
                    .array([.object([("permission_set", .string(set)), ("all_projects", true), ("project_id", nil)])])
                ),
                ("member_count", .int(name == "Everyone" ? 3 : 1)), ("scim_managed", false),
                ("created_at", .string(WireFormat.isoTimestamp(accountCreated))),
                ("updated_at", .string(WireFormat.isoTimestamp(accountCreated))),
            ])
        }
    }

    static func serviceTokens() -> [JSONValue] {
        [(20, "CI token", "job_admin", false), (21, "Metadata reader", "metadata_only", true)].map { id, name, set, metadata in
            .object([
                ("id", .int(id)), ("uid", .string("svc\(id)acme")), ("name", .string(name)), ("state", 1),
                ("account_id", 43),
                ("permission_grants", .array([.object([("permission_set", .string(set)), ("project_id", nil), ("all_projects", true)])])),
                ("last_used", .string(WireFormat.isoTimestamp(anchor))), ("metadata_only", .bool(metadata)),
                ("webhooks_only", false), ("created_at", .string(WireFormat.isoTimestamp(accountCreated))),
                ("updated_at", .string(WireFormat.isoTimestamp(accountCreated))),
            ])
        }
    }

    static func webhooks() -> [JSONValue] {
        [
            .object([
                ("id", "wsu_2bCx7G3oYtM7dQ0d6zKaRq1rT5E"), ("account_identifier", "act_acme43"),
                ("name", "Failures to Slack"), ("description", "Posts failed production runs"),
                ("job_ids", [43167, 43168]), ("event_types", ["job.run.errored"]),
                ("client_url", "https://hooks.acme.example/dbt"), ("active", true), ("http_status_code", "200"),
                ("dispatched_at", .string(WireFormat.isoTimestamp(anchor))), ("deactivate_reason", nil),
                ("account_id", 43), ("created_at", .string(WireFormat.isoTimestamp(accountCreated))),
                ("updated_at", .string(WireFormat.isoTimestamp(accountCreated))),
            ])
        ]
    }

    static func notifications() -> [JSONValue] {
        [
            .object([
                ("id", 30), ("account_id", 43), ("user_id", 1), ("type", 1), ("state", 1),
                ("on_success", []), ("on_failure", [43167, 43168]), ("on_cancel", []), ("on_warning", [43167]),
                ("external_email", nil), ("slack_channel_id", nil), ("slack_channel_name", nil),
                ("slack_channel_url", nil), ("created_at", .string(WireFormat.isoTimestamp(accountCreated))),
                ("updated_at", .string(WireFormat.isoTimestamp(accountCreated))),
            ])
        ]
    }

    static func auditLogs() -> [JSONValue] {
        let events: [(String, String, String)] = [
            ("job_definition.Changed", "Job updated", "Nightly build"),
            ("run.Started", "Run started", "Run 902"),
            ("user.LoggedIn", "User logged in", "dana@acme.example"),
        ]
        return events.enumerated().map { offset, event in
            .object([
                ("id", .string("al_\(7_000 + offset)")), ("account_id", 43), ("source", "ui"), ("service", "dbt_cloud"),
                ("actor", .object([("id", 1), ("type", "user"), ("name", "Dana Demo")])),
                ("event_type", .string(event.0)), ("event_label", .string(event.1)),
                ("event_context", .object([("name", .string(event.2))])),
                ("created_at", .string(WireFormat.runTimestamp(anchor.addingTimeInterval(Double(offset - 3) * 3_600)))),
            ])
        }
    }
}

/// Creates runs for seeds, triggers and retries.
enum RunFactory {
    static func makeRun(
        id: Int, job: JobRecord, trigger: TriggerRecord, createdAt: Date, queuedSeconds: Double, startingSeconds: Double,
        fixtureSet: FixtureSet, commandsOverride: [String]? = nil, duration: (StepKind) -> Double
    ) -> RunRecord {
        if let shape = job.shape {
            return ShapeJobs.makeRun(
                id: id, job: job, shape: shape, trigger: trigger, createdAt: createdAt, queuedSeconds: queuedSeconds,
                startingSeconds: startingSeconds, stepSeconds: duration(.other), dbtVersion: "latest", threads: job.threads,
                gitBranch: nil)
        }
        let steps = commandsOverride ?? trigger.override("steps_override").arrayValue?.compactMap(\.stringValue) ?? job.executeSteps
        let plan = RunPlan(
            commands: steps, generateDocs: trigger.override("generate_docs_override").boolValue ?? job.generateDocs,
            fixtureSet: fixtureSet,
            timeoutSeconds: trigger.override("timeout_seconds_override").intValue ?? job.timeoutSeconds,
            duration: duration)
        return RunRecord(
            id: id, accountID: 43, projectID: job.projectID, environmentID: job.environmentID, jobID: job.id,
            createdAt: createdAt, queuedSeconds: queuedSeconds, startingSeconds: startingSeconds, steps: plan.steps,
            skippedCommands: plan.skippedCommands, outcome: plan.outcome, outcomeMessage: plan.outcomeMessage,
            fixtureSet: fixtureSet, trigger: trigger,
            gitBranch: trigger.override("git_branch").stringValue ?? "main",
            gitSha: trigger.override("git_sha").stringValue ?? fakeSha(id),
            dbtVersion: trigger.override("dbt_version_override").stringValue ?? "latest",
            threads: trigger.override("threads_override").intValue ?? job.threads,
            targetName: trigger.override("target_name_override").stringValue ?? job.targetName,
            cancelledAt: nil, retryingRunID: nil)
    }

    static func fakeSha(_ seed: Int) -> String {
        var value = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15
        var sha = ""
        while sha.count < 40 {
            value ^= value >> 29
            value = value &* 0xBF58_476D_1CE4_E5B9
            sha += String(format: "%016llx", value)
        }
        return String(sha.prefix(40))
    }
}
