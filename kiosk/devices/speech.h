/* speech: the kiosk reads aloud (text to speech), on a worker thread.
 *
 * The engine is espeak-ng from Debian (libespeak-ng, voice "cmn",
 * Mandarin), loaded on the first thing said, never at start. Speech goes
 * to one of:
 *   SPEECH_SPEAKER   the hall's speaker, through the audio sink the shell gives
 *                (speech_audio: SDL audio, kiosk/shell/audio.c), streamed
 *                while it is synthesized, so the first words play at once;
 *   SPEECH_WAV   one WAV file per utterance in a folder (the simulated
 *                speaker: tests and headless runs listen to it there);
 *   SPEECH_OFF   nothing.
 *
 *   speech_say()        says a text, replacing whatever was being said
 *   speech_stop()       silence at once (a new screen, a session end)
 *   speech_set_volume() 0..100, applied to the samples as they are queued
 *
 * Invariants:
 *   - nothing blocks the caller: say/stop only hand over a job and return;
 *   - at most one utterance at a time: a new one cuts the old one short,
 *     in synthesis and in the audio queue;
 *   - the text of an utterance (which may be personal when the applicant
 *     asked for an answer to be read) is wiped with sodium_memzero as soon
 *     as it is synthesized or dropped, and never logged;
 *   - espeak-ng is process-global state: only the worker thread calls it.
 * A speaker that cannot be opened (no audio device) leaves speech in the
 * SPEECH_STATE_ABSENT state the staff menu shows; nothing else changes. */
#ifndef KIOSK_DEVICES_SPEECH_H
#define KIOSK_DEVICES_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "core/kerr.h"

#define SPEECH_TEXT_MAX 4000 /* bytes of one utterance (longer is cut) */

typedef enum speech_output {
  SPEECH_OFF = 0,
  SPEECH_SPEAKER,
  SPEECH_WAV
} speech_output;

/* Where SPEECH_SPEAKER's samples go (16-bit mono). Called on the speech
 * worker only, except clear (any thread). */
typedef struct speech_audio {
  void *ud;
  int (*open)(void *ud, int rate_hz); /* 0: open; else no speaker */
  void (*queue)(void *ud, const int16_t *pcm, size_t n);
  void (*clear)(void *ud);            /* drop what is not played yet */
  size_t (*queued)(void *ud);         /* bytes still to play */
  void (*close)(void *ud);
} speech_audio;

typedef struct speech_config {
  speech_output output;
  const speech_audio *audio; /* SPEECH_SPEAKER: the speaker (borrowed) */
  const char *wav_dir;   /* SPEECH_WAV: where utt-NNNN.wav files go */
  const char *voice;     /* NULL: "cmn" */
  int rate;              /* words per minute; 0: 150 (slower than usual) */
  int volume;            /* 0..100; the default a session starts with */
  const char *data_path; /* espeak-ng-data's parent; NULL: the library's */
} speech_config;

typedef enum speech_state {
  SPEECH_STATE_IDLE = 0, /* not started yet, or ready */
  SPEECH_STATE_READY,    /* the engine and the speaker are open */
  SPEECH_STATE_ABSENT,   /* no speaker (no audio device) */
  SPEECH_STATE_ERROR     /* the engine or the voice could not be loaded */
} speech_state;

typedef struct speech speech;

/* Starts the worker (the engine itself waits for the first speech_say).
 * KERR_INVALID for SPEECH_WAV without a folder, KERR_NOMEM, KERR_INTERNAL
 * when the thread cannot start. */
kerr speech_create(const speech_config *cfg, speech **out);

/* Stops what is being said, ends the worker, frees s. NULL is fine. */
void speech_destroy(speech *s);

/* Says text (UTF-8; cut at SPEECH_TEXT_MAX bytes), replacing anything
 * being said. KERR_INVALID for NULL or empty text, KERR_STATE when speech
 * is off. */
kerr speech_say(speech *s, const char *text);

/* How the written form is read (speech_say applies it): a run of five or
 * more digits (a hotline, a phone or ID number, a reference) is read digit
 * by digit — 12349 as 一二三四九, not 一万二千三百四十九 — while shorter
 * numbers (amounts, dates) are read as numbers. Writes at most cap bytes
 * (NUL-terminated) to out; returns its length. */
size_t speech_normalize(const char *in, char *out, size_t cap);

/* Silence now: the utterance in synthesis is abandoned and the audio
 * queue emptied. */
void speech_stop(speech *s);

/* Volume 0..100 (clamped) for what is queued from now on. */
void speech_set_volume(speech *s, int percent);
int speech_volume(const speech *s);

/* 1 while an utterance is being synthesized or still playing. */
int speech_busy(speech *s);

/* How many utterances were said to the end (not cut short), and the length
 * in milliseconds of the last one. For tests and the benchmark. */
uint32_t speech_finished(speech *s, uint32_t *last_ms);

speech_state speech_get_state(speech *s);

/* Waits (at most timeout_ms) until nothing is being said or synthesized.
 * KERR_OK, or KERR_BUSY when it is still speaking. For tests and scripted
 * runs. */
kerr speech_wait(speech *s, int timeout_ms);

#endif
