// WebRTC audio processing 0.3 (Debian) echo canceller anchor for bench/suites/aec.ts.
// usage: webrtc-apm RATE FAR.raw MIC.raw OUT.raw  (int16 mono, 10 ms frames)
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

int main(int argc, char **argv) {
  if (argc != 5) return 2;
  int rate = atoi(argv[1]);
  int frame = rate / 100;
  FILE *far = fopen(argv[2], "rb"), *mic = fopen(argv[3], "rb"), *out = fopen(argv[4], "wb");
  if (!far || !mic || !out) return 3;
  webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create();
  apm->echo_cancellation()->Enable(true);
  apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
  apm->echo_cancellation()->enable_metrics(true);
  webrtc::AudioFrame farFrame, micFrame;
  farFrame.sample_rate_hz_ = micFrame.sample_rate_hz_ = rate;
  farFrame.num_channels_ = micFrame.num_channels_ = 1;
  farFrame.samples_per_channel_ = micFrame.samples_per_channel_ = frame;
  while (fread(farFrame.data_, 2, frame, far) == (size_t)frame &&
         fread(micFrame.data_, 2, frame, mic) == (size_t)frame) {
    apm->AnalyzeReverseStream(&farFrame);
    apm->set_stream_delay_ms(0);
    apm->ProcessStream(&micFrame);
    fwrite(micFrame.data_, 2, frame, out);
  }
  fclose(out);
  // Process CPU time (setup, I/O and processing) for the bench's CPU table.
  fprintf(stderr, "cpu_seconds %f\n", (double)clock() / CLOCKS_PER_SEC);
  delete apm;
  return 0;
}
