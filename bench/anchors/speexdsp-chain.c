/* speexdsp chain anchor for bench/suites/processor.ts: echo canceller (250 ms tail) and/or the
 * preprocessor's denoiser and VAD, as named in STAGES (comma list of aec, ns, vad, or "none"), on
 * 10 ms frames; prints its process CPU time.
 * usage: speexdsp-chain RATE STAGES FAR.raw MIC.raw  (int16 mono) */
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 5) return 2;
  int rate = atoi(argv[1]);
  int frame = rate / 100;
  int aec = strstr(argv[2], "aec") != NULL;
  int ns = strstr(argv[2], "ns") != NULL;
  int vad = strstr(argv[2], "vad") != NULL;
  FILE *far = fopen(argv[3], "rb"), *mic = fopen(argv[4], "rb");
  if (!far || !mic) return 3;
  SpeexEchoState *st = speex_echo_state_init(frame, rate / 4);
  speex_echo_ctl(st, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  SpeexPreprocessState *pp = speex_preprocess_state_init(frame, rate);
  if (aec) speex_preprocess_ctl(pp, SPEEX_PREPROCESS_SET_ECHO_STATE, st);
  speex_preprocess_ctl(pp, SPEEX_PREPROCESS_SET_DENOISE, &ns);
  speex_preprocess_ctl(pp, SPEEX_PREPROCESS_SET_VAD, &vad);
  short x[960], d[960], e[960];
  long active = 0;
  while (fread(x, 2, frame, far) == (size_t)frame && fread(d, 2, frame, mic) == (size_t)frame) {
    if (aec) speex_echo_cancellation(st, d, x, e);
    else memcpy(e, d, sizeof(short) * frame);
    if (ns || vad || aec) active += speex_preprocess_run(pp, e);
  }
  fprintf(stderr, "cpu_seconds %f\nvoice_frames %ld\n", (double)clock() / CLOCKS_PER_SEC, active);
  return 0;
}
