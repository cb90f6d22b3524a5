/*
 * spandsp's G.711 packet-loss concealment as a bench anchor (never a runtime dependency).
 * Usage: spandsp-plc IN.raw MASK OUT.raw FRAME_SAMPLES
 *   IN.raw  - loss-free decoded audio, s16 native-endian mono 8 kHz;
 *   MASK    - one character per frame: '1' lost, '0' received;
 *   OUT.raw - received frames through plc_rx, lost frames from plc_fillin.
 * Built by bench/suites/plc.ts with: gcc -O2 spandsp-plc.c -lspandsp
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spandsp.h>

static long file_size(FILE *f) {
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  return n;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s IN.raw MASK OUT.raw FRAME_SAMPLES\n", argv[0]);
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  FILE *maskf = fopen(argv[2], "rb");
  FILE *out = fopen(argv[3], "wb");
  int frame = atoi(argv[4]);
  if (!in || !maskf || !out || frame <= 0) {
    fprintf(stderr, "spandsp-plc: cannot open files or bad frame size\n");
    return 1;
  }
  long bytes = file_size(in);
  long samples = bytes / 2;
  int16_t *pcm = malloc(bytes > 0 ? bytes : 2);
  long masklen = file_size(maskf);
  char *mask = malloc(masklen + 1);
  if (!pcm || !mask || fread(pcm, 2, samples, in) != (size_t)samples ||
      fread(mask, 1, masklen, maskf) != (size_t)masklen) {
    fprintf(stderr, "spandsp-plc: read failed\n");
    return 1;
  }
  plc_state_t *plc = plc_init(NULL);
  long frames = samples / frame;
  for (long i = 0; i < frames; i++) {
    int16_t *amp = pcm + i * frame;
    if (i < masklen && mask[i] == '1') plc_fillin(plc, amp, frame);
    else plc_rx(plc, amp, frame);
  }
  fwrite(pcm, 2, frames * frame, out);
  plc_free(plc);
  fclose(in);
  fclose(maskf);
  fclose(out);
  free(pcm);
  free(mask);
  return 0;
}
