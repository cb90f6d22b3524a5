/* speexdsp echo canceller anchor for bench/suites/aec.ts.
 * usage: speexdsp-aec RATE TAIL_SAMPLES PREPROCESS(0|1) FAR.raw MIC.raw OUT.raw  (int16 mono, 10 ms frames) */
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 7) return 2;
  int rate = atoi(argv[1]), tail = atoi(argv[2]), pre = atoi(argv[3]);
  int frame = rate / 100;
  FILE *far = fopen(argv[4], "rb"), *mic = fopen(argv[5], "rb"), *out = fopen(argv[6], "wb");
  if (!far || !mic || !out) return 3;
  SpeexEchoState *st = speex_echo_state_init(frame, tail);
  speex_echo_ctl(st, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  SpeexPreprocessState *pp = speex_preprocess_state_init(frame, rate);
  speex_preprocess_ctl(pp, SPEEX_PREPROCESS_SET_ECHO_STATE, st);
  int off = 0;
  speex_preprocess_ctl(pp, SPEEX_PREPROCESS_SET_DENOISE, &off);
  short x[960], d[960], e[960];
  while (fread(x, 2, frame, far) == (size_t)frame && fread(d, 2, frame, mic) == (size_t)frame) {
    speex_echo_cancellation(st, d, x, e);
    if (pre) speex_preprocess_run(pp, e);
    fwrite(e, 2, frame, out);
  }
  fclose(out);
  /* Process CPU time (setup, I/O and processing) for the bench's CPU table. */
  fprintf(stderr, "cpu_seconds %f\n", (double)clock() / CLOCKS_PER_SEC);
  return 0;
}
