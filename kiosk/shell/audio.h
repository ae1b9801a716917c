/* audio: the hall's speaker for speech (devices/speech.h's speech_audio),
 * through SDL audio: one mono 16-bit output device, opened by the speech
 * worker on the first thing said, fed by queueing (no callback). */
#ifndef KIOSK_SHELL_AUDIO_H
#define KIOSK_SHELL_AUDIO_H

#include "devices/speech.h"

/* The sink; one per process (SDL has one audio subsystem). */
const speech_audio *shell_audio(void);

#endif
