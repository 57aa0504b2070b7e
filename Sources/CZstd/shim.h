#include <zstd.h>
// The fastCover trainer with explicit parameters (ZDICT_trainFromBuffer would search k and d: ~10x slower).
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
