#ifndef VIETSEARCH_SIMD_STATE_H
#define VIETSEARCH_SIMD_STATE_H

#include "CBitUnpack.h"

// The kernels' switch (BitUnpack.c): -1 until `vs_unpack_simd_enabled` is first asked, then 0 or 1. Not in
// the public header: a kernel called once per phrase candidate reads it here, where a call to
// `vs_unpack_simd_enabled` cost as much as a third of the kernel.
extern int vs_enabled;

/// `vs_unpack_simd_enabled()`, without a call once it is known.
static inline int vs_simd_on(void) {
    const int enabled = __atomic_load_n(&vs_enabled, __ATOMIC_RELAXED);
    return enabled >= 0 ? enabled : vs_unpack_simd_enabled();
}

#endif
