extension CommandRegistry {
    /// Every command of dbtsh, in the order `help` lists them.
    public static let standard = CommandRegistry([
        UseCommand.self, UnuseCommand.self, ContextCommand.self,
        AccountsCommand.self, ProjectsCommand.self, EnvironmentsCommand.self, JobsCommand.self, RunsCommand.self,
        ConnectionsCommand.self, RepositoriesCommand.self, UsersCommand.self, WebhooksCommand.self,
        ShowCommand.self,
        RunCommand.self, WaitCommand.self, CancelCommand.self, RetryCommand.self,
        StepsCommand.self, LogsCommand.self, ArtifactsCommand.self, ArtifactsGetCommand.self,
        ExplainCommand.self, FailuresCommand.self, SQLCommand.self, DiffCommand.self,
        TimelineCommand.self, BisectCommand.self, LineageCommand.self,
        CatalogBrowseCommand.self, CatalogShowCommand.self, CatalogSearchCommand.self,
        JobExportCommand.self, JobImportCommand.self, JobCreateCommand.self, JobUpdateCommand.self, JobDeleteCommand.self,
        APICommand.self, QueryCommand.self,
        WatchCommand.self, LetCommand.self, UnsetCommand.self, EchoCommand.self, AliasCommand.self, UnaliasCommand.self,
        SetCommand.self, HistoryCommand.self, ClearCommand.self, LoginCommand.self, HelpCommand.self, ExitCommand.self,
    ])
}
