#include "mix_floor.h"
#include <stdlib.h>

int64_t mix_floor_tick(const int16_t *frames, int participants, int samples, int32_t *total, int16_t *mixes) {
    int64_t levels = 0;
    for (int i = 0; i < samples; i++) total[i] = 0;
    for (int p = 0; p < participants; p++) {
        const int16_t *frame = frames + (size_t)p * samples;
        int64_t level = 0;
        for (int i = 0; i < samples; i++) level += abs(frame[i]);
        levels += level;
        for (int i = 0; i < samples; i++) total[i] += frame[i];
    }
    for (int p = 0; p < participants; p++) {
        const int16_t *own = frames + (size_t)p * samples;
        int16_t *mix = mixes + (size_t)p * samples;
        for (int i = 0; i < samples; i++) {
            int32_t value = total[i] - own[i];
            mix[i] = value > INT16_MAX ? INT16_MAX : value < INT16_MIN ? INT16_MIN : (int16_t)value;
        }
    }
    return levels;
}
