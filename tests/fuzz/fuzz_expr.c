/* Fuzz target: the expression parser and evaluator. Every input is parsed;
 * what parses is visited and evaluated against a fixed environment, and the
 * invariants of fuzz_one() must hold (a broken one traps). */
#include "fuzz/fuzz_env.h"
#include "fuzz/fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (fuzz_one((const char *)data, size))
    __builtin_trap();
  return 0;
}
