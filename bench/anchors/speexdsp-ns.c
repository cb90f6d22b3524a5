/* speexdsp preprocessor denoiser as the noise-suppression anchor: s16le mono on stdin, 10 ms frames,
 * denoise on (default -15 dB maximum attenuation), AGC/VAD/dereverb off; s16le on stdout.
 * Usage: speexdsp-ns RATE_HZ */
#include <speex/speex_preprocess.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int rate = atoi(argv[1]);
  int frame = rate / 100;
  SpeexPreprocessState *st = speex_preprocess_state_init(frame, rate);
  int on = 1, off = 0;
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on);
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC, &off);
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_VAD, &off);
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DEREVERB, &off);
  spx_int16_t *buf = malloc(sizeof(spx_int16_t) * frame);
  while (fread(buf, sizeof(spx_int16_t), frame, stdin) == (size_t)frame) {
    speex_preprocess_run(st, buf);
    fwrite(buf, sizeof(spx_int16_t), frame, stdout);
  }
  speex_preprocess_state_destroy(st);
  free(buf);
  return 0;
}
