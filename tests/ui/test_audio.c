/* The hall's speaker path (shell/audio.c) with SDL's dummy audio driver:
 * speech streams into the SDL queue while it is synthesized, the speaker
 * is reported ready, and stop empties the queue at once. */
#include <SDL.h>
#include <stdlib.h>

#include "check.h"
#include "devices/speech.h"
#include "shell/audio.h"

int main(void) {
  setenv("SDL_AUDIODRIVER", "dummy", 1);
  speech *s = NULL;
  speech_config cfg = {.output = SPEECH_SPEAKER, .audio = shell_audio(),
                       .volume = 70};
  CHECK_INT(speech_create(&cfg, &s), KERR_OK);
  speech_config bad = {.output = SPEECH_SPEAKER};
  speech *b = NULL;
  CHECK_INT(speech_create(&bad, &b), KERR_INVALID); /* no sink */
  if (!s)
    return TEST_DONE();
  CHECK_INT(speech_say(s, "请把身份证放在读卡器上，听到提示音再拿开。"
                          "如果不会用，请找窗口的工作人员帮忙。"),
            KERR_OK);
  CHECK_INT(speech_wait(s, 30000), KERR_OK); /* synthesized */
  CHECK_INT(speech_get_state(s), SPEECH_STATE_READY);
  uint32_t ms = 0;
  CHECK_INT(speech_finished(s, &ms), 1);
  CHECK(ms > 3000);
  /* The dummy device plays in real time: seconds of sound still queued. */
  CHECK(speech_busy(s));
  speech_stop(s);
  CHECK(!speech_busy(s));
  speech_destroy(s);
  return TEST_DONE();
}
