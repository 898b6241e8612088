#ifndef C_PROCESS_HARDENING_H
#define C_PROCESS_HARDENING_H

/// prctl(PR_SET_DUMPABLE, 0): no core dump, no ptrace attach by the same user. 0 on success, -1 elsewhere.
int dbtsh_forbid_core_dumps(void);

/// prctl(PR_GET_DUMPABLE): 1 dumpable, 0 not, -1 unknown.
int dbtsh_is_dumpable(void);

#endif
