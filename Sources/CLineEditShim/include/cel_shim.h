#pragma once
#include <histedit.h>
#include <stddef.h>

/* Fixed-arity wrappers over libedit's variadic calls, plus the signal plumbing a
   Swift caller cannot write itself: a SIGINT flag with a self-pipe, a custom
   EL_GETCFN reader that poll()s stdin and those pipes, job control while editing,
   and thread-safe notices printed above the prompt. One editor per process. */

typedef unsigned char (*cel_command_fn)(EditLine *, int);
typedef char *(*cel_prompt_fn)(EditLine *);

/* Editor. */
EditLine *cel_init(const char *program);
void cel_end(EditLine *el);
int cel_set_clientdata(EditLine *el, void *data);
void *cel_get_clientdata(EditLine *el);
int cel_set_editor(EditLine *el, const char *mode);
int cel_set_signal_handling(EditLine *el, int on);
int cel_set_prompt_esc(EditLine *el, cel_prompt_fn prompt, char escape);
int cel_add_function(EditLine *el, const char *name, const char *help, cel_command_fn fn);
int cel_bind(EditLine *el, const char *key, const char *function);
int cel_set_history(EditLine *el, History *list);
int cel_use_interruptible_reader(EditLine *el);
int cel_source_editrc(EditLine *el);
int cel_refresh(EditLine *el);

/* Cells the prompt occupies on its last row, for redraws above a wrapped line. */
void cel_set_prompt_width(int width);

/* el_gets with job control, resize and notices active for its duration. */
const char *cel_gets(EditLine *el, int *count);

/* History. Entries are returned oldest first by cel_history_oldest / cel_history_newer. */
History *cel_history_init(void);
void cel_history_end(History *list);
int cel_history_set_size(History *list, int size);
int cel_history_set_unique(History *list, int unique);
int cel_history_load(History *list, const char *path);
int cel_history_save(History *list, const char *path);
int cel_history_enter(History *list, const char *line);
int cel_history_count(History *list);
const char *cel_history_newest(History *list);
const char *cel_history_oldest(History *list);
const char *cel_history_newer(History *list);

/* SIGINT: a handler without SA_RESTART sets a flag and writes to a self-pipe. */
int cel_install_sigint(void);
int cel_take_sigint(void);
void cel_clear_sigint(void);

/* Background notices: thread-safe. While a line is being edited the notice is
   printed above the prompt and the line redrawn; otherwise it is printed at once. */
void cel_notify(const char *message);

/* Output through C stdout (the FILE libedit writes to), flushed. */
void cel_write_stdout(const char *text);
void cel_write_stderr(const char *text);

/* Terminal width of fd, or 0 when unknown. */
int cel_terminal_columns(int fd);
/* Terminal height of fd, or 0 when unknown. */
int cel_terminal_rows(int fd);
/* One key read through the editor (inside a bound function), or -1 on Ctrl-C/EOF. */
int cel_read_key(EditLine *el);
/* Whether the terminal on fd has canonical mode off (1), on (0), or is not a tty (-1). */
int cel_terminal_is_raw(int fd);
