#ifndef VIETSEARCH_SIMD_STATE_H
#define VIETSEARCH_SIMD_STATE_H

#include "CBitUnpack.h"

// The kernels' switch (BitUnpack.c): -1 until `vs_unpack_simd_enabled` is first asked, then 0 or 1. Not in
// the public header: a kernel called once per phrase candidate reads it here, where a call to
// `vs_unpack_simd_enabled` cost as much as a third of the kernel.
extern int vs_enabled;

/// `vs_unpack_simd_enabled()` once it is known; before that 0 (a kernel then declines, and its caller takes
/// the Swift path), after asking it, so that the next call knows. No call on the common path: a call there
/// made the caller save and restore six registers on every use.
static inline int vs_simd_on_once_known(void) {
    const int enabled = __atomic_load_n(&vs_enabled, __ATOMIC_RELAXED);
    if (__builtin_expect(enabled < 0, 0)) {
        (void)vs_unpack_simd_enabled();
        return 0;
    }
    return enabled;
}

#endif
