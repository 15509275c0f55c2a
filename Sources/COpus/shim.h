#include <opus.h>

/* opus_encoder_ctl and opus_decoder_ctl are variadic, which Swift cannot call: these fixed
   signatures carry the few requests Parley makes. */
static inline int parley_opus_set_complexity(OpusEncoder *encoder, opus_int32 value) { return opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(value)); }
static inline int parley_opus_set_inband_fec(OpusEncoder *encoder, opus_int32 value) { return opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(value)); }
static inline int parley_opus_set_packet_loss(OpusEncoder *encoder, opus_int32 percent) { return opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(percent)); }
static inline int parley_opus_set_bitrate(OpusEncoder *encoder, opus_int32 value) { return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(value)); }
