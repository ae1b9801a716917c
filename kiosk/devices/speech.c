/* speech: see speech.h. One worker thread owns espeak-ng (global state)
 * and the audio device; the UI thread only posts jobs under the mutex. An
 * utterance carries a generation number: stop and every new say bump it,
 * and the synthesis callback abandons an utterance whose generation is
 * no longer current. */
#include "speech.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <sodium.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "devices/dynload.h"

/* espeak-ng is opened on the first thing said (devices/dynload.h), not
 * linked: its functions are called through these. */
static __typeof__(espeak_ng_InitializePath) *p_espeak_ng_InitializePath;
static __typeof__(espeak_ng_Initialize) *p_espeak_ng_Initialize;
static __typeof__(espeak_ng_InitializeOutput) *p_espeak_ng_InitializeOutput;
static __typeof__(espeak_ng_SetVoiceByName) *p_espeak_ng_SetVoiceByName;
static __typeof__(espeak_ng_ClearErrorContext) *p_espeak_ng_ClearErrorContext;
static __typeof__(espeak_ng_GetStatusCodeMessage) *p_espeak_ng_GetStatusCodeMessage;
static __typeof__(espeak_SetSynthCallback) *p_espeak_SetSynthCallback;
static __typeof__(espeak_ng_SetParameter) *p_espeak_ng_SetParameter;
static __typeof__(espeak_ng_GetSampleRate) *p_espeak_ng_GetSampleRate;
static __typeof__(espeak_ng_Synthesize) *p_espeak_ng_Synthesize;
static __typeof__(espeak_ng_Terminate) *p_espeak_ng_Terminate;
static const dynload_sym espeak_syms[] = {
    {"espeak_ng_InitializePath", (void **)&p_espeak_ng_InitializePath},
    {"espeak_ng_Initialize", (void **)&p_espeak_ng_Initialize},
    {"espeak_ng_InitializeOutput", (void **)&p_espeak_ng_InitializeOutput},
    {"espeak_ng_SetVoiceByName", (void **)&p_espeak_ng_SetVoiceByName},
    {"espeak_ng_ClearErrorContext", (void **)&p_espeak_ng_ClearErrorContext},
    {"espeak_ng_GetStatusCodeMessage", (void **)&p_espeak_ng_GetStatusCodeMessage},
    {"espeak_SetSynthCallback", (void **)&p_espeak_SetSynthCallback},
    {"espeak_ng_SetParameter", (void **)&p_espeak_ng_SetParameter},
    {"espeak_ng_GetSampleRate", (void **)&p_espeak_ng_GetSampleRate},
    {"espeak_ng_Synthesize", (void **)&p_espeak_ng_Synthesize},
    {"espeak_ng_Terminate", (void **)&p_espeak_ng_Terminate},
};
#define espeak_ng_InitializePath (*p_espeak_ng_InitializePath)
#define espeak_ng_Initialize (*p_espeak_ng_Initialize)
#define espeak_ng_InitializeOutput (*p_espeak_ng_InitializeOutput)
#define espeak_ng_SetVoiceByName (*p_espeak_ng_SetVoiceByName)
#define espeak_ng_ClearErrorContext (*p_espeak_ng_ClearErrorContext)
#define espeak_ng_GetStatusCodeMessage (*p_espeak_ng_GetStatusCodeMessage)
#define espeak_SetSynthCallback (*p_espeak_SetSynthCallback)
#define espeak_ng_SetParameter (*p_espeak_ng_SetParameter)
#define espeak_ng_GetSampleRate (*p_espeak_ng_GetSampleRate)
#define espeak_ng_Synthesize (*p_espeak_ng_Synthesize)
#define espeak_ng_Terminate (*p_espeak_ng_Terminate)

#define SPEECH_BUF_MS 100 /* espeak-ng hands samples over in chunks this long */

struct speech {
  speech_config cfg;
  char voice[32];
  char wav_dir[1024];
  char data_path[1024];
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;   /* a job, or quit */
  pthread_cond_t idle; /* synthesis finished */
  int quit;
  /* the job waiting for the worker (text owned here, wiped when taken) */
  char *job;
  uint32_t gen;        /* current generation; bumped by say and stop */
  int synthesizing;
  int volume;          /* 0..100 */
  speech_state state;
  uint32_t finished;
  uint32_t last_ms;
  uint32_t n_files;
  /* worker-only */
  int engine;          /* espeak-ng initialised */
  int rate_hz;
  speech_audio audio; /* SPEECH_SPEAKER's sink (copied) */
  int dev;             /* the sink is open */
  int audio_tried;
  int16_t *pcm;        /* SPEECH_WAV: the whole utterance */
  size_t n_pcm, cap_pcm;
  size_t n_said;       /* samples of this utterance */
  uint32_t cur_gen;
};

static int current(speech *s, uint32_t gen) {
  pthread_mutex_lock(&s->mu);
  int ok = s->gen == gen && !s->quit;
  pthread_mutex_unlock(&s->mu);
  return ok;
}

static int volume_now(speech *s) {
  pthread_mutex_lock(&s->mu);
  int v = s->volume;
  pthread_mutex_unlock(&s->mu);
  return v;
}

/* Opens the speaker once; a missing one is remembered (ABSENT). */
static void open_audio(speech *s) {
  if (s->audio_tried)
    return;
  s->audio_tried = 1;
  s->dev = s->audio.open && s->audio.open(s->audio.ud, s->rate_hz) == 0;
  if (!s->dev)
    LOG_W("speech", "no speaker: nothing will be heard");
}

/* espeak-ng's synthesis callback: samples of the current utterance. */
static int on_samples(short *wav, int n, espeak_EVENT *ev) {
  speech *s = ev ? ev->user_data : NULL;
  if (!s)
    return 0;
  if (!current(s, s->cur_gen))
    return 1; /* abandoned: stop synthesizing */
  if (!wav || n <= 0)
    return 0;
  int vol = volume_now(s);
  for (int i = 0; i < n; i++)
    wav[i] = (short)((int)wav[i] * vol / 100);
  s->n_said += (size_t)n;
  if (s->cfg.output == SPEECH_SPEAKER && s->dev) {
    s->audio.queue(s->audio.ud, wav, (size_t)n);
  } else if (s->cfg.output == SPEECH_WAV) {
    if (s->n_pcm + (size_t)n > s->cap_pcm) {
      size_t cap = (s->cap_pcm ? s->cap_pcm * 2 : 65536) + (size_t)n;
      int16_t *p = realloc(s->pcm, cap * sizeof *p);
      if (!p)
        return 1;
      s->pcm = p;
      s->cap_pcm = cap;
    }
    memcpy(s->pcm + s->n_pcm, wav, (size_t)n * sizeof *wav);
    s->n_pcm += (size_t)n;
  }
  return 0;
}

static int start_engine(speech *s) {
  if (s->engine)
    return 1;
  if (dynload(KIOSK_ESPEAK_SONAME, espeak_syms,
              sizeof espeak_syms / sizeof espeak_syms[0]) != KERR_OK)
    return 0;
  espeak_ng_InitializePath(s->data_path[0] ? s->data_path : NULL);
  espeak_ng_ERROR_CONTEXT ctx = NULL;
  espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
  if (st == ENS_OK)
    st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, SPEECH_BUF_MS,
                                    NULL);
  if (st == ENS_OK)
    st = espeak_ng_SetVoiceByName(s->voice);
  if (ctx)
    espeak_ng_ClearErrorContext(&ctx);
  if (st != ENS_OK) {
    char msg[256];
    espeak_ng_GetStatusCodeMessage(st, msg, sizeof msg);
    LOG_E("speech", "espeak-ng (voice %s) not usable: %s", s->voice, msg);
    return 0;
  }
  espeak_SetSynthCallback(on_samples);
  espeak_ng_SetParameter(espeakRATE, s->cfg.rate > 0 ? s->cfg.rate : 150, 0);
  s->rate_hz = espeak_ng_GetSampleRate();
  s->engine = 1;
  LOG_I("speech", "espeak-ng ready: voice %s, %d Hz", s->voice, s->rate_hz);
  return 1;
}

static void put_le(unsigned char *p, uint32_t v, int n) {
  for (int i = 0; i < n; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

/* SPEECH_WAV: the utterance as utt-NNNN.wav (16-bit mono PCM). */
static void write_wav(speech *s) {
  char path[1100], tmp[1110];
  unsigned char h[44];
  uint32_t bytes = (uint32_t)(s->n_pcm * sizeof(int16_t));
  memcpy(h, "RIFF", 4);
  put_le(h + 4, 36 + bytes, 4);
  memcpy(h + 8, "WAVEfmt ", 8);
  put_le(h + 16, 16, 4);
  put_le(h + 20, 1, 2); /* PCM */
  put_le(h + 22, 1, 2); /* mono */
  put_le(h + 24, (uint32_t)s->rate_hz, 4);
  put_le(h + 28, (uint32_t)s->rate_hz * 2, 4);
  put_le(h + 32, 2, 2);
  put_le(h + 34, 16, 2);
  memcpy(h + 36, "data", 4);
  put_le(h + 40, bytes, 4);
  pthread_mutex_lock(&s->mu);
  uint32_t k = ++s->n_files;
  pthread_mutex_unlock(&s->mu);
  snprintf(path, sizeof path, "%s/utt-%04u.wav", s->wav_dir, k);
  snprintf(tmp, sizeof tmp, "%s.part", path);
  FILE *f = fopen(tmp, "wb");
  int ok = f && fwrite(h, 1, sizeof h, f) == sizeof h &&
           fwrite(s->pcm, sizeof(int16_t), s->n_pcm, f) == s->n_pcm;
  if (f && fclose(f) != 0)
    ok = 0;
  if (!ok || rename(tmp, path) != 0) {
    LOG_W("speech", "cannot write %s: %s", path, strerror(errno));
    remove(tmp);
  }
}

/* Synthesizes one utterance of generation gen (the text is wiped by the
 * caller). */
static void say_now(speech *s, const char *text, uint32_t gen) {
  if (!start_engine(s)) {
    pthread_mutex_lock(&s->mu);
    s->state = SPEECH_STATE_ERROR;
    pthread_mutex_unlock(&s->mu);
    return;
  }
  if (s->cfg.output == SPEECH_SPEAKER) {
    open_audio(s);
    pthread_mutex_lock(&s->mu);
    s->state = s->dev ? SPEECH_STATE_READY : SPEECH_STATE_ABSENT;
    pthread_mutex_unlock(&s->mu);
    if (!s->dev)
      return;
  } else {
    pthread_mutex_lock(&s->mu);
    s->state = SPEECH_STATE_READY;
    pthread_mutex_unlock(&s->mu);
  }
  s->cur_gen = gen;
  s->n_pcm = 0;
  s->n_said = 0;
  espeak_ng_STATUS st =
      espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
                           espeakCHARS_UTF8, NULL, s);
  int whole = st == ENS_OK && current(s, gen);
  if (whole && s->cfg.output == SPEECH_WAV)
    write_wav(s);
  if (s->pcm)
    sodium_memzero(s->pcm, s->n_pcm * sizeof *s->pcm);
  pthread_mutex_lock(&s->mu);
  if (whole) {
    s->finished++;
    s->last_ms = s->rate_hz ? (uint32_t)(s->n_said * 1000 / (size_t)s->rate_hz)
                            : 0;
  }
  pthread_mutex_unlock(&s->mu);
}

static void *worker(void *arg) {
  speech *s = arg;
  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (!s->quit && !s->job)
      pthread_cond_wait(&s->cv, &s->mu);
    if (s->quit)
      break;
    char *text = s->job;
    s->job = NULL;
    uint32_t gen = s->gen;
    s->synthesizing = 1;
    pthread_mutex_unlock(&s->mu);
    say_now(s, text, gen);
    sodium_memzero(text, strlen(text));
    free(text);
    pthread_mutex_lock(&s->mu);
    s->synthesizing = 0;
    pthread_cond_broadcast(&s->idle);
  }
  pthread_mutex_unlock(&s->mu);
  if (s->engine)
    espeak_ng_Terminate();
  if (s->dev && s->audio.close)
    s->audio.close(s->audio.ud);
  if (s->pcm)
    sodium_memzero(s->pcm, s->cap_pcm * sizeof *s->pcm);
  free(s->pcm);
  return NULL;
}

kerr speech_create(const speech_config *cfg, speech **out) {
  *out = NULL;
  if (!cfg || (cfg->output == SPEECH_WAV && (!cfg->wav_dir || !*cfg->wav_dir)) ||
      (cfg->output == SPEECH_SPEAKER &&
       (!cfg->audio || !cfg->audio->queue || !cfg->audio->clear ||
        !cfg->audio->queued)))
    return KERR_INVALID;
  speech *s = calloc(1, sizeof *s);
  if (!s)
    return KERR_NOMEM;
  s->cfg = *cfg;
  if (cfg->audio)
    s->audio = *cfg->audio;
  s->cfg.audio = NULL;
  snprintf(s->voice, sizeof s->voice, "%s", cfg->voice ? cfg->voice : "cmn");
  snprintf(s->wav_dir, sizeof s->wav_dir, "%s", cfg->wav_dir ? cfg->wav_dir : "");
  snprintf(s->data_path, sizeof s->data_path, "%s",
           cfg->data_path ? cfg->data_path : "");
  if (cfg->output == SPEECH_WAV && fs_make_dirs(s->wav_dir, 0700) != 0)
    LOG_W("speech", "cannot make %s: %s", s->wav_dir, strerror(errno));
  s->cfg.voice = s->voice;
  s->cfg.wav_dir = s->wav_dir;
  s->cfg.data_path = s->data_path;
  s->volume = cfg->volume < 0 ? 0 : cfg->volume > 100 ? 100 : cfg->volume;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, NULL);
  pthread_cond_init(&s->idle, NULL);
  if (cfg->output != SPEECH_OFF &&
      pthread_create(&s->thread, NULL, worker, s) != 0) {
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_cond_destroy(&s->idle);
    free(s);
    return KERR_INTERNAL;
  }
  *out = s;
  return KERR_OK;
}

/* Drops a waiting job (wiped) and bumps the generation; the caller holds
 * the mutex. */
static void cancel_locked(speech *s) {
  if (s->job) {
    sodium_memzero(s->job, strlen(s->job));
    free(s->job);
    s->job = NULL;
  }
  s->gen++;
}

void speech_destroy(speech *s) {
  if (!s)
    return;
  if (s->cfg.output != SPEECH_OFF) {
    pthread_mutex_lock(&s->mu);
    cancel_locked(s);
    s->quit = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
  }
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  pthread_cond_destroy(&s->idle);
  free(s);
}

size_t speech_normalize(const char *in, char *out, size_t cap) {
  size_t o = 0;
  if (!cap)
    return 0;
  for (size_t i = 0; in[i];) {
    size_t run = 0;
    while (in[i + run] >= '0' && in[i + run] <= '9')
      run++;
    if (run >= 5) {
      for (size_t k = 0; k < run && o + 2 < cap; k++) {
        out[o++] = in[i + k];
        if (k + 1 < run)
          out[o++] = ' ';
      }
      i += run;
      continue;
    }
    size_t n = run ? run : 1;
    if (o + n >= cap)
      break;
    memcpy(out + o, in + i, n);
    o += n;
    i += n;
  }
  out[o] = '\0';
  return o;
}

kerr speech_say(speech *s, const char *text) {
  if (!s || !text || !*text)
    return KERR_INVALID;
  if (s->cfg.output == SPEECH_OFF)
    return KERR_STATE;
  /* Room for digits read one by one (a space after each). */
  char *copy = malloc(2 * SPEECH_TEXT_MAX + 1);
  if (!copy)
    return KERR_NOMEM;
  size_t n = speech_normalize(text, copy, 2 * SPEECH_TEXT_MAX + 1);
  /* Cut on a character boundary. */
  if (n > SPEECH_TEXT_MAX) {
    n = SPEECH_TEXT_MAX;
    while (n > 0 && ((unsigned char)copy[n] & 0xC0) == 0x80)
      n--;
    copy[n] = '\0';
  }
  pthread_mutex_lock(&s->mu);
  cancel_locked(s);
  s->job = copy;
  pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
  /* What is still queued belongs to the old utterance. */
  if (s->audio.clear)
    s->audio.clear(s->audio.ud);
  return KERR_OK;
}

void speech_stop(speech *s) {
  if (!s || s->cfg.output == SPEECH_OFF)
    return;
  pthread_mutex_lock(&s->mu);
  cancel_locked(s);
  pthread_mutex_unlock(&s->mu);
  if (s->audio.clear)
    s->audio.clear(s->audio.ud);
}

void speech_set_volume(speech *s, int percent) {
  if (!s)
    return;
  pthread_mutex_lock(&s->mu);
  s->volume = percent < 0 ? 0 : percent > 100 ? 100 : percent;
  pthread_mutex_unlock(&s->mu);
}

int speech_volume(const speech *s) {
  if (!s)
    return 0;
  pthread_mutex_lock((pthread_mutex_t *)&s->mu);
  int v = s->volume;
  pthread_mutex_unlock((pthread_mutex_t *)&s->mu);
  return v;
}

int speech_busy(speech *s) {
  if (!s || s->cfg.output == SPEECH_OFF)
    return 0;
  pthread_mutex_lock(&s->mu);
  int busy = s->synthesizing || s->job;
  pthread_mutex_unlock(&s->mu);
  if (!busy && s->audio.queued)
    busy = s->audio.queued(s->audio.ud) > 0;
  return busy;
}

uint32_t speech_finished(speech *s, uint32_t *last_ms) {
  if (!s)
    return 0;
  pthread_mutex_lock(&s->mu);
  uint32_t n = s->finished;
  if (last_ms)
    *last_ms = s->last_ms;
  pthread_mutex_unlock(&s->mu);
  return n;
}

speech_state speech_get_state(speech *s) {
  if (!s)
    return SPEECH_STATE_IDLE;
  pthread_mutex_lock(&s->mu);
  speech_state st = s->state;
  pthread_mutex_unlock(&s->mu);
  return st;
}

kerr speech_wait(speech *s, int timeout_ms) {
  if (!s || s->cfg.output == SPEECH_OFF)
    return KERR_OK;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&s->mu);
  int rc = 0;
  while ((s->synthesizing || s->job) && rc == 0)
    rc = pthread_cond_timedwait(&s->idle, &s->mu, &until);
  int busy = s->synthesizing || s->job;
  pthread_mutex_unlock(&s->mu);
  return busy ? KERR_BUSY : KERR_OK;
}
