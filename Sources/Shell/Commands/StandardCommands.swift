extension CommandRegistry {
    /// Every command of dbtsh, in the order `help` lists them.
    public static var standard: CommandRegistry {
        CommandRegistry(StandardCommandList.all)
    }
}

enum StandardCommandList {
    static var all: [any ShellCommand] {
        [
            UseCommand(), UnuseCommand(), ContextCommand(),
            AccountsCommand(), ProjectsCommand(), EnvironmentsCommand(), JobsCommand(), RunsCommand(),
            ConnectionsCommand(), RepositoriesCommand(), UsersCommand(), WebhooksCommand(),
            ShowCommand(),
            RunCommand(), WaitCommand(), CancelCommand(), RetryCommand(),
            StepsCommand(), LogsCommand(), ArtifactsCommand(), ArtifactsGetCommand(),
            FailuresCommand(), SQLCommand(), DiffCommand(),
            CatalogBrowseCommand(), CatalogShowCommand(), CatalogSearchCommand(),
            JobExportCommand(), JobImportCommand(), JobCreateCommand(), JobUpdateCommand(), JobDeleteCommand(),
            APICommand(), QueryCommand(),
            SetCommand(), HistoryCommand(), HelpCommand(registry: { .standard }), ExitCommand(),
        ]
    }
}
