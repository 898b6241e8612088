#include "cel_shim.h"
