#pragma once

// The sanitizers' per-load checks keep the compiler from vectorizing inner loops, which makes
// sanitizer builds (CI's) several times slower. Functions marked with this only read within the
// sizes their callers checked.
#if defined(__clang__) || defined(__GNUC__)
#define GLASSBOX_HOT_LOOP __attribute__((no_sanitize("address", "undefined")))
#else
#define GLASSBOX_HOT_LOOP
#endif
