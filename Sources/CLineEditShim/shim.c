#define _GNU_SOURCE
#include "cel_shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

/* ---------------------------------------------------------------- pipes */

typedef struct {
    int read_end;
    int write_end;
} cel_pipe;

static cel_pipe sigint_pipe = {-1, -1};
static cel_pipe notice_pipe = {-1, -1};
static cel_pipe winch_pipe = {-1, -1};
static cel_pipe jobctl_pipe = {-1, -1};

static int cel_pipe_open(cel_pipe *p) {
    if (p->read_end >= 0) return 0;
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
    p->read_end = fds[0];
    p->write_end = fds[1];
    return 0;
}

static void cel_pipe_poke(const cel_pipe *p, char byte) {
    if (p->write_end < 0) return;
    int saved = errno;
    ssize_t ignored = write(p->write_end, &byte, 1);
    (void)ignored;
    errno = saved;
}

static int cel_pipe_drain(const cel_pipe *p) {
    char buffer[64];
    int last = 0;
    if (p->read_end < 0) return 0;
    for (;;) {
        ssize_t n = read(p->read_end, buffer, sizeof buffer);
        if (n > 0) {
            last = (unsigned char)buffer[n - 1];
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return last;
    }
}

static int cel_pipe_open_all(void) {
    if (cel_pipe_open(&sigint_pipe) != 0) return -1;
    if (cel_pipe_open(&notice_pipe) != 0) return -1;
    if (cel_pipe_open(&winch_pipe) != 0) return -1;
    if (cel_pipe_open(&jobctl_pipe) != 0) return -1;
    return 0;
}

/* ---------------------------------------------------------------- SIGINT */

static volatile sig_atomic_t sigint_pending = 0;
static volatile sig_atomic_t sigint_installed = 0;

static void cel_on_sigint(int signo) {
    (void)signo;
    sigint_pending = 1;
    cel_pipe_poke(&sigint_pipe, 'I');
}

int cel_install_sigint(void) {
    if (sigint_installed) return 0;
    if (cel_pipe_open_all() != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cel_on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: a blocking read must end with EINTR */
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    sigint_installed = 1;
    return 0;
}

int cel_take_sigint(void) {
    int was = sigint_pending != 0;
    sigint_pending = 0;
    cel_pipe_drain(&sigint_pipe);
    return was;
}

void cel_clear_sigint(void) {
    (void)cel_take_sigint();
}

/* ---------------------------------------------------------------- notices */

typedef struct cel_notice {
    char *text;
    struct cel_notice *next;
} cel_notice;

static pthread_mutex_t notice_lock = PTHREAD_MUTEX_INITIALIZER;
static cel_notice *notice_head = NULL;
static cel_notice *notice_tail = NULL;
static int editing_line = 0; /* guarded by notice_lock */

static void cel_print_notice_locked(const char *text) {
    fputs(text, stdout);
    size_t length = strlen(text);
    if (length == 0 || text[length - 1] != '\n') fputc('\n', stdout);
    fflush(stdout);
}

static cel_notice *cel_take_notices_locked(void) {
    cel_notice *taken = notice_head;
    notice_head = notice_tail = NULL;
    return taken;
}

static void cel_print_and_free(cel_notice *list) {
    while (list) {
        cel_notice *next = list->next;
        cel_print_notice_locked(list->text);
        free(list->text);
        free(list);
        list = next;
    }
}

void cel_notify(const char *message) {
    if (message == NULL) return;
    pthread_mutex_lock(&notice_lock);
    if (editing_line) {
        cel_notice *notice = malloc(sizeof *notice);
        char *copy = strdup(message);
        if (notice && copy) {
            notice->text = copy;
            notice->next = NULL;
            if (notice_tail) notice_tail->next = notice; else notice_head = notice;
            notice_tail = notice;
            cel_pipe_poke(&notice_pipe, 'N');
        } else {
            free(notice);
            free(copy);
        }
    } else {
        cel_print_notice_locked(message);
    }
    pthread_mutex_unlock(&notice_lock);
}

void cel_write_stdout(const char *text) {
    pthread_mutex_lock(&notice_lock);
    fputs(text, stdout);
    fflush(stdout);
    pthread_mutex_unlock(&notice_lock);
}

void cel_write_stderr(const char *text) {
    fputs(text, stderr);
    fflush(stderr);
}

/* ---------------------------------------------------------------- job control while editing */

static struct termios cooked_termios;
static volatile sig_atomic_t have_cooked_termios = 0;

static struct sigaction saved_tstp, saved_cont, saved_winch, saved_term, saved_hup, saved_quit;

static void cel_on_job_signal(int signo) {
    switch (signo) {
    case SIGTSTP: cel_pipe_poke(&jobctl_pipe, 'Z'); break;
    case SIGCONT: cel_pipe_poke(&jobctl_pipe, 'C'); break;
    case SIGWINCH: cel_pipe_poke(&winch_pipe, 'W'); break;
    default: break;
    }
}

static void cel_on_fatal_signal(int signo) {
    if (have_cooked_termios) tcsetattr(STDIN_FILENO, TCSANOW, &cooked_termios);
    signal(signo, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(signo);
}

static void cel_install_handler(int signo, void (*handler)(int), struct sigaction *saved) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(signo, &action, saved);
}

static void cel_job_control_begin(void) {
    if (tcgetattr(STDIN_FILENO, &cooked_termios) == 0) have_cooked_termios = 1;
    cel_pipe_drain(&winch_pipe);
    cel_pipe_drain(&jobctl_pipe);
    cel_install_handler(SIGTSTP, cel_on_job_signal, &saved_tstp);
    cel_install_handler(SIGCONT, cel_on_job_signal, &saved_cont);
    cel_install_handler(SIGWINCH, cel_on_job_signal, &saved_winch);
    cel_install_handler(SIGTERM, cel_on_fatal_signal, &saved_term);
    cel_install_handler(SIGHUP, cel_on_fatal_signal, &saved_hup);
    cel_install_handler(SIGQUIT, cel_on_fatal_signal, &saved_quit);
}

static void cel_job_control_end(void) {
    sigaction(SIGTSTP, &saved_tstp, NULL);
    sigaction(SIGCONT, &saved_cont, NULL);
    sigaction(SIGWINCH, &saved_winch, NULL);
    sigaction(SIGTERM, &saved_term, NULL);
    sigaction(SIGHUP, &saved_hup, NULL);
    sigaction(SIGQUIT, &saved_quit, NULL);
}

static volatile int prompt_width = 0;

void cel_set_prompt_width(int width) { prompt_width = width; }

static int cel_editor_columns(EditLine *el) {
    int columns = 0;
    if (el_get(el, EL_GETTC, "co", &columns) != 0 || columns <= 0) columns = cel_terminal_columns(STDOUT_FILENO);
    return columns;
}

/* Rows between the prompt's first row and the cursor, as libedit laid them out. */
static int cel_rows_above_cursor(EditLine *el) {
    const LineInfoW *line = el_wline(el);
    int columns = cel_editor_columns(el);
    if (line == NULL || columns <= 0) return 0;
    long width = prompt_width;
    for (const wchar_t *c = line->buffer; c < line->cursor; c++) {
        int cells = wcwidth(*c);
        width += cells >= 0 ? cells : 2;
    }
    return (int)(width / columns);
}

/* Moves to the prompt's first row and clears the screen below; caller holds notice_lock. */
static void cel_clear_edit_area_locked(int rows_above) {
    if (rows_above > 0) fprintf(stdout, "\033[%dA", rows_above);
    fputs("\r\033[J", stdout);
}

static void cel_redraw(EditLine *el, int rows_above) {
    pthread_mutex_lock(&notice_lock);
    cel_clear_edit_area_locked(rows_above);
    fflush(stdout);
    pthread_mutex_unlock(&notice_lock);
    el_set(el, EL_REFRESH);
}

static void cel_stop_self(EditLine *el) {
    struct termios raw;
    int have_raw = tcgetattr(STDIN_FILENO, &raw) == 0;
    if (have_cooked_termios) tcsetattr(STDIN_FILENO, TCSADRAIN, &cooked_termios);
    cel_write_stdout("\n");

    struct sigaction stop_default, previous;
    memset(&stop_default, 0, sizeof stop_default);
    stop_default.sa_handler = SIG_DFL;
    sigemptyset(&stop_default.sa_mask);
    sigaction(SIGTSTP, &stop_default, &previous);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &set, &old);
    raise(SIGTSTP);
    /* Resumed. */
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigaction(SIGTSTP, &previous, NULL);
    if (tcgetattr(STDIN_FILENO, &cooked_termios) == 0) have_cooked_termios = 1;
    if (have_raw) tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
    cel_pipe_drain(&jobctl_pipe);
    cel_redraw(el, 0);
}

static void cel_show_pending_notices(EditLine *el) {
    cel_pipe_drain(&notice_pipe);
    int rows_above = cel_rows_above_cursor(el);
    pthread_mutex_lock(&notice_lock);
    cel_notice *list = cel_take_notices_locked();
    if (list) cel_clear_edit_area_locked(rows_above);
    cel_print_and_free(list);
    pthread_mutex_unlock(&notice_lock);
    if (list) el_set(el, EL_REFRESH);
}

/* ---------------------------------------------------------------- the reader */

static int cel_read_char(EditLine *el, wchar_t *out) {
    char bytes[MB_LEN_MAX];
    size_t have = 0;
    struct termios raw;
    int have_raw = tcgetattr(STDIN_FILENO, &raw) == 0;
    for (;;) {
        struct pollfd fds[5] = {
            {STDIN_FILENO, POLLIN, 0},
            {sigint_pipe.read_end, POLLIN, 0},
            {jobctl_pipe.read_end, POLLIN, 0},
            {winch_pipe.read_end, POLLIN, 0},
            {notice_pipe.read_end, POLLIN, 0},
        };
        int ready = poll(fds, 5, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            *out = L'\0';
            return -1;
        }
        if (fds[1].revents & POLLIN) {
            *out = L'\0';
            errno = EINTR;
            return -1;
        }
        if (fds[2].revents & POLLIN) {
            int last = cel_pipe_drain(&jobctl_pipe);
            if (last == 'Z') {
                cel_stop_self(el);
            } else {
                /* After an external SIGSTOP/SIGCONT the job's shell may have reset the tty. */
                if (have_raw) tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
                cel_redraw(el, 0);
            }
            continue;
        }
        if (fds[3].revents & POLLIN) {
            cel_pipe_drain(&winch_pipe);
            /* Rows as laid out for the old width: a terminal that does not reflow keeps them. */
            int rows_above = cel_rows_above_cursor(el);
            el_resize(el);
            cel_redraw(el, rows_above);
            continue;
        }
        if (fds[4].revents & POLLIN) {
            cel_show_pending_notices(el);
            continue;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
            ssize_t n = read(STDIN_FILENO, bytes + have, 1);
            if (n == 0) {
                *out = L'\0';
                return 0;
            }
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                *out = L'\0';
                return -1;
            }
            have += 1;
            mbstate_t state;
            memset(&state, 0, sizeof state);
            size_t used = mbrtowc(out, bytes, have, &state);
            if (used == (size_t)-2) {
                if (have >= MB_LEN_MAX) have = 0;
                continue;
            }
            if (used == (size_t)-1) {
                have = 0;
                continue;
            }
            return 1;
        }
    }
}

/* ---------------------------------------------------------------- editor wrappers */

EditLine *cel_init(const char *program) {
    if (cel_pipe_open_all() != 0) return NULL;
    return el_init(program, stdin, stdout, stderr);
}

void cel_end(EditLine *el) { el_end(el); }

int cel_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }

void *cel_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

int cel_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }

int cel_set_signal_handling(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }

int cel_set_prompt_esc(EditLine *el, cel_prompt_fn prompt, char escape) {
    return el_set(el, EL_PROMPT_ESC, prompt, escape);
}

int cel_add_function(EditLine *el, const char *name, const char *help, cel_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

int cel_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}

int cel_set_history(EditLine *el, History *list) {
    return el_set(el, EL_HIST, history, list);
}

int cel_use_interruptible_reader(EditLine *el) {
    return el_set(el, EL_GETCFN, cel_read_char);
}

int cel_source_editrc(EditLine *el) { return el_source(el, NULL); }

int cel_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }

const char *cel_gets(EditLine *el, int *count) {
    pthread_mutex_lock(&notice_lock);
    editing_line = 1;
    pthread_mutex_unlock(&notice_lock);
    cel_job_control_begin();

    const char *line = el_gets(el, count);
    int saved = errno;

    cel_job_control_end();
    pthread_mutex_lock(&notice_lock);
    editing_line = 0;
    cel_pipe_drain(&notice_pipe);
    cel_notice *list = cel_take_notices_locked();
    pthread_mutex_unlock(&notice_lock);
    if (list) {
        pthread_mutex_lock(&notice_lock);
        cel_print_and_free(list);
        pthread_mutex_unlock(&notice_lock);
    }
    errno = saved;
    return line;
}

/* ---------------------------------------------------------------- history wrappers */

History *cel_history_init(void) { return history_init(); }

void cel_history_end(History *list) { history_end(list); }

int cel_history_set_size(History *list, int size) {
    HistEvent event;
    return history(list, &event, H_SETSIZE, size);
}

int cel_history_set_unique(History *list, int unique) {
    HistEvent event;
    return history(list, &event, H_SETUNIQUE, unique);
}

int cel_history_load(History *list, const char *path) {
    HistEvent event;
    return history(list, &event, H_LOAD, path);
}

int cel_history_save(History *list, const char *path) {
    HistEvent event;
    return history(list, &event, H_SAVE, path);
}

int cel_history_enter(History *list, const char *line) {
    HistEvent event;
    return history(list, &event, H_ENTER, line);
}

int cel_history_count(History *list) {
    HistEvent event;
    if (history(list, &event, H_GETSIZE) != 0) return 0;
    return event.num;
}

const char *cel_history_newest(History *list) {
    HistEvent event;
    if (history(list, &event, H_FIRST) != 0) return NULL;
    return event.str;
}

const char *cel_history_oldest(History *list) {
    HistEvent event;
    if (history(list, &event, H_LAST) != 0) return NULL;
    return event.str;
}

const char *cel_history_newer(History *list) {
    HistEvent event;
    if (history(list, &event, H_PREV) != 0) return NULL;
    return event.str;
}

/* ---------------------------------------------------------------- terminal queries */

int cel_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

int cel_terminal_rows(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_row;
}

int cel_read_key(EditLine *el) {
    char key = 0;
    if (el_getc(el, &key) != 1) return -1;
    return (unsigned char)key;
}

int cel_terminal_is_raw(int fd) {
    struct termios mode;
    if (tcgetattr(fd, &mode) != 0) return -1;
    return (mode.c_lflag & ICANON) ? 0 : 1;
}
