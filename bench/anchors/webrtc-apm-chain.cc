// WebRTC audio processing 0.3 (Debian) chain anchor for bench/suites/processor.ts: the stages named in
// STAGES (comma list of aec, ns, vad, or "none") run on 10 ms frames; prints its process CPU time.
// usage: webrtc-apm-chain RATE STAGES FAR.raw MIC.raw  (int16 mono)
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
  bool aec = strstr(argv[2], "aec") != nullptr;
  bool ns = strstr(argv[2], "ns") != nullptr;
  bool vad = strstr(argv[2], "vad") != nullptr;
  FILE *far = fopen(argv[3], "rb"), *mic = fopen(argv[4], "rb");
  if (!far || !mic) return 3;
  webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create();
  apm->high_pass_filter()->Enable(false);
  apm->echo_cancellation()->Enable(aec);
  if (aec) apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
  apm->noise_suppression()->Enable(ns);
  if (ns) apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kModerate);
  apm->voice_detection()->Enable(vad);
  webrtc::AudioFrame farFrame, micFrame;
  farFrame.sample_rate_hz_ = micFrame.sample_rate_hz_ = rate;
  farFrame.num_channels_ = micFrame.num_channels_ = 1;
  farFrame.samples_per_channel_ = micFrame.samples_per_channel_ = frame;
  long active = 0;
  while (fread(farFrame.data_, 2, frame, far) == (size_t)frame &&
         fread(micFrame.data_, 2, frame, mic) == (size_t)frame) {
    if (aec) apm->AnalyzeReverseStream(&farFrame);
    apm->set_stream_delay_ms(0);
    apm->ProcessStream(&micFrame);
    if (vad && apm->voice_detection()->stream_has_voice()) active++;
  }
  fprintf(stderr, "cpu_seconds %f\nvoice_frames %ld\n", (double)clock() / CLOCKS_PER_SEC, active);
  delete apm;
  return 0;
}
