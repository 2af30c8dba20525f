#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, for programs that have a main of their own (-sanitize=fuzzer links it in).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
