#include <stdint.h>

/// The conference mixer's arithmetic for one 20 ms tick in plain C: each participant's level
/// (the line-noise gate's measure), the room's sum, and each participant's mix (the sum less
/// its own frame, saturated). The floor Parley's Swift loops are measured against.
int64_t mix_floor_tick(const int16_t *frames, int participants, int samples, int32_t *total, int16_t *mixes);
