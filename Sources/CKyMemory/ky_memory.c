// The header's inline function is the whole target; this file gives SwiftPM something to build.
#include "ky_memory.h"
