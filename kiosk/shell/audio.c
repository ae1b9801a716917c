/* audio: see audio.h. */
#include "shell/audio.h"

#include <SDL.h>

#include "core/log.h"

static SDL_atomic_t dev; /* SDL_AudioDeviceID, 0 while closed */

static int audio_open(void *ud, int rate_hz) {
  (void)ud;
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    LOG_W("audio", "no audio: %s", SDL_GetError());
    return -1;
  }
  SDL_AudioSpec want = {0}, got;
  want.freq = rate_hz;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 1024;
  SDL_AudioDeviceID d = SDL_OpenAudioDevice(NULL, 0, &want, &got, 0);
  if (!d) {
    LOG_W("audio", "no speaker: %s", SDL_GetError());
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return -1;
  }
  SDL_PauseAudioDevice(d, 0);
  SDL_AtomicSet(&dev, (int)d);
  return 0;
}

static void audio_queue(void *ud, const int16_t *pcm, size_t n) {
  (void)ud;
  SDL_AudioDeviceID d = (SDL_AudioDeviceID)SDL_AtomicGet(&dev);
  if (d)
    SDL_QueueAudio(d, pcm, (Uint32)(n * sizeof *pcm));
}

static void audio_clear(void *ud) {
  (void)ud;
  SDL_AudioDeviceID d = (SDL_AudioDeviceID)SDL_AtomicGet(&dev);
  if (d)
    SDL_ClearQueuedAudio(d);
}

static size_t audio_queued(void *ud) {
  (void)ud;
  SDL_AudioDeviceID d = (SDL_AudioDeviceID)SDL_AtomicGet(&dev);
  return d ? SDL_GetQueuedAudioSize(d) : 0;
}

static void audio_close(void *ud) {
  (void)ud;
  SDL_AudioDeviceID d = (SDL_AudioDeviceID)SDL_AtomicSet(&dev, 0);
  if (d) {
    SDL_ClearQueuedAudio(d);
    SDL_CloseAudioDevice(d);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
  }
}

const speech_audio *shell_audio(void) {
  static const speech_audio a = {NULL, audio_open, audio_queue, audio_clear,
                                 audio_queued, audio_close};
  return &a;
}
