#include "CProcessHardening.h"

#if defined(__linux__)
#include <sys/prctl.h>

int dbtsh_forbid_core_dumps(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : -1;
}

int dbtsh_is_dumpable(void) {
    int value = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    return value < 0 ? -1 : (value != 0);
}
#else
int dbtsh_forbid_core_dumps(void) { return -1; }
int dbtsh_is_dumpable(void) { return -1; }
#endif
