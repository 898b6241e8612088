/// `help language`: the shell language on one page (the README's "The shell language" says the same).
enum LanguageHelp {
    static let topics = ["language", "grammar", "syntax"]

    static let text = """
    The dbtsh language

      CMD; CMD               commands run in order; a script stops at the first failure
                             unless 'set errexit off'; an interactive shell never stops
      # comment              from a # at the start of a word to the end of the line
      'text'                 literal: nothing inside is special, $ included
      "text"                 $ expands inside; \\" \\\\ \\$ \\` are escapes
      \\c                     the character c, literally; a \\ at the end continues the line

    Expansion (after the line is split into words; a value is never split or read again)
      $?                     the status of the last command (0 success; see 'help' for codes)
      ${job} ${run} ${project} ${environment} ${account}
                             the context's ids (set with 'use')
      $1 … $9, ${10}, $@, $#, $0
                             a script's arguments (dbtsh FILE ARG…, dbtsh -c TEXT ARG…), or an
                             alias's; $@ alone is one word per argument
      $NAME, ${NAME}         a variable set with 'let NAME VALUE' ('unset NAME' forgets it)
      ${env:NAME}            an environment variable
      ~/path                 the home directory, at the start of an unquoted word
      An unset variable is an error, never an empty word. \\$ or '$' is a literal $.

    Output of one command (only standard output: errors stay on stderr)
      CMD | SYSTEM COMMAND   to /bin/sh -c 'SYSTEM COMMAND' (as typed: $ and quotes are the
                             system shell's), up to the next unquoted ;
      CMD > FILE             replaces FILE once CMD ran to its end; after an error or Ctrl-C
                             FILE is left as it was
      CMD >> FILE            appends to FILE as the output comes
      Piped or redirected output has no colour and tables are not cut to the terminal's
      width. The status is CMD's, or the system command's when CMD succeeded and it failed.
      Ctrl-C stops both.

    Aliases and start-up
      alias NAME 'CMD; CMD $1'   NAME runs the body; $1… are its arguments, or the words
                                 after NAME go at the end when the body has none
      unalias NAME, alias        remove one, list them
      ~/.config/dbtsh/rc         ($XDG_CONFIG_HOME/dbtsh/rc) runs before the first prompt of
                                 an interactive session: aliases, 'use', 'set'; --norc skips
                                 it, --rc FILE runs another

    Other commands of the language: watch CMD (repeat until Ctrl-C), let, unset, echo, exit [N].
    A script's error lines start with FILE:LINE.

    Example (CI: trigger, wait, always fetch the results, then fail with the run's status):
      set errexit off
      run --job ${env:JOB_ID} --wait
      let status $?
      artifacts get run_results.json -o results/
      failures > failures.txt
      exit $status

    """
}
