function __dbtsh_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __dbtsh_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __dbtsh_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __dbtsh_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __dbtsh_parse_tokens -S
    set -l unparsed_tokens (__dbtsh_tokens -pc)
    switch $unparsed_tokens[1]
    case 'dbtsh'
        __dbtsh_parse_subcommand -r 1 'c=' 'demo' 'host=' 'account=' 'project=' 'profile=' 'ca-file=' 'output=' 'no-color' 'verbose' 'readonly' 'norc' 'rc=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __dbtsh_parse_subcommand -r 1 'version'
        end
    end
end

function __dbtsh_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __dbtsh_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __dbtsh_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __dbtsh_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__dbtsh_tokens -p)
    if test -z "$(__dbtsh_tokens -t)"
        set -l index (count (__dbtsh_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'dbtsh' -f
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" c' -s 'c' -d 'Run these commands, then exit.' -rfka ''
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_positional "dbtsh" -ge 1' -F
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" demo' -l 'demo' -d 'Run against the built-in sandbox: a local dbt Cloud with a demo account.'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" host' -l 'host' -d 'dbt Cloud host: cloud.getdbt.com, emea.dbt.com, ab123.us1.dbt.com or a URL.' -rfka ''
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" account' -l 'account' -d 'Account id.' -rfka ''
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" project' -l 'project' -d 'Project id.' -rfka ''
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" profile' -l 'profile' -d 'Profile name in the dbtsh profiles file.' -rfka ''
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" ca-file' -l 'ca-file' -d 'Extra trusted root certificate (PEM).' -rfa '(set -l exts \'pem\' \'crt\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" output' -l 'output' -d 'Default output format: table, json, jsonl, csv, tsv or markdown.' -rfka 'table json jsonl csv tsv markdown'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" no-color' -l 'no-color' -d 'Never colour the output (also NO_COLOR).'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" verbose' -l 'verbose' -d 'Trace HTTP requests on stderr (the token is redacted).'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" readonly' -l 'readonly' -d 'Refuse every command that would change dbt Cloud (also DBT_CLOUD_READONLY=1).'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" norc' -l 'norc' -d 'Do not run the start-up file ($XDG_CONFIG_HOME/dbtsh/rc) before the first prompt.'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" rc' -l 'rc' -d 'Run this start-up file instead (also before a script or -c).' -rF
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" version' -l 'version' -d 'Show the version.'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_positional "dbtsh" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'dbtsh' -n '__dbtsh_should_offer_completions_for_flags_or_options "dbtsh help" version' -l 'version' -d 'Show the version.'
