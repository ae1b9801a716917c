/* The libFuzzer entry point, declared once for the fuzz targets and the
 * replay driver (replay.c) that runs them over a corpus without libFuzzer. */
#ifndef TESTS_FUZZ_TARGET_H
#define TESTS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
