// Anchor for bench/suites/vad.ts: WebRTC APM 0.3 VoiceDetection (webrtcvad inside) and the speexdsp
// preprocessor's VAD on the same Int16 mono stream.
// Usage: webrtc-vad RATE < s16le > decisions; per 10 ms frame prints five chars: APM likelihood
// high/moderate/low/very-low (= webrtcvad modes 0..3), then speexdsp; '1' = speech, then a newline.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <speex/speex_preprocess.h>
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const int rate = atoi(argv[1]);
  const int n = rate / 100;
  const webrtc::VoiceDetection::Likelihood likelihoods[4] = {
      webrtc::VoiceDetection::kHighLikelihood, webrtc::VoiceDetection::kModerateLikelihood,
      webrtc::VoiceDetection::kLowLikelihood, webrtc::VoiceDetection::kVeryLowLikelihood};
  webrtc::AudioProcessing* apm[4];
  for (int m = 0; m < 4; m++) {
    apm[m] = webrtc::AudioProcessing::Create();
    apm[m]->voice_detection()->Enable(true);
    apm[m]->voice_detection()->set_likelihood(likelihoods[m]);
    apm[m]->voice_detection()->set_frame_size_ms(10);
  }
  SpeexPreprocessState* sp = speex_preprocess_state_init(n, rate);
  int on = 1;
  speex_preprocess_ctl(sp, SPEEX_PREPROCESS_SET_VAD, &on);
  std::vector<int16_t> in(n);
  std::vector<int16_t> work(n);
  webrtc::AudioFrame frame;
  while (fread(in.data(), sizeof(int16_t), n, stdin) == static_cast<size_t>(n)) {
    char out[7];
    for (int m = 0; m < 4; m++) {
      frame.sample_rate_hz_ = rate;
      frame.samples_per_channel_ = n;
      frame.num_channels_ = 1;
      for (int i = 0; i < n; i++) frame.data_[i] = in[i];
      if (apm[m]->ProcessStream(&frame) != 0) return 3;
      out[m] = apm[m]->voice_detection()->stream_has_voice() ? '1' : '0';
    }
    for (int i = 0; i < n; i++) work[i] = in[i];
    out[4] = speex_preprocess_run(sp, work.data()) ? '1' : '0';
    out[5] = '\n';
    out[6] = 0;
    fputs(out, stdout);
  }
  for (int m = 0; m < 4; m++) delete apm[m];
  speex_preprocess_state_destroy(sp);
  return 0;
}
