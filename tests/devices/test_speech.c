/* speech with the real espeak-ng Mandarin voice, into the simulated speaker
 * (one WAV per utterance): a sentence is said to the end and lasts as long
 * as speech does; louder and softer follow the volume; a new sentence cuts
 * the one being said; stop leaves nothing; say returns at once. The first
 * utterance is drawn as a waveform (speech-waveform.png in the working
 * folder) to look at. */
#include <dirent.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "devices/speech.h"

static char dir[64];

/* The samples of dir/utt-NNNN.wav (malloc'ed), their count and rate. */
static int16_t *read_wav(int k, size_t *n, int *rate) {
  char path[128];
  snprintf(path, sizeof path, "%s/utt-%04d.wav", dir, k);
  FILE *f = fopen(path, "rb");
  unsigned char h[44];
  *n = 0;
  if (!f)
    return NULL;
  int16_t *pcm = NULL;
  if (fread(h, 1, 44, f) == 44 && !memcmp(h, "RIFF", 4) &&
      !memcmp(h + 36, "data", 4)) {
    *rate = h[24] | h[25] << 8 | h[26] << 16 | h[27] << 24;
    size_t bytes = (size_t)(h[40] | h[41] << 8 | h[42] << 16 | h[43] << 24);
    pcm = malloc(bytes + 2);
    *n = pcm ? fread(pcm, 2, bytes / 2, f) : 0;
  }
  fclose(f);
  return pcm;
}

static double rms(const int16_t *p, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += (double)p[i] * p[i];
  return n ? __builtin_sqrt(sum / (double)n) : 0;
}

/* Milliseconds of the samples whose 20 ms window is louder than quiet. */
static int voiced_ms(const int16_t *p, size_t n, int rate) {
  size_t win = (size_t)rate / 50;
  int ms = 0;
  for (size_t i = 0; i + win <= n; i += win)
    if (rms(p + i, win) > 300)
      ms += 20;
  return ms;
}

static int files(void) {
  DIR *d = opendir(dir);
  int k = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    k += strncmp(e->d_name, "utt-", 4) == 0 && strstr(e->d_name, ".wav") &&
         !strstr(e->d_name, ".part");
  if (d)
    closedir(d);
  return k;
}

/* Min/max per column, dark on white, 1200x200. */
static void waveform(const int16_t *p, size_t n, const char *out) {
  enum { W = 1200, H = 200 };
  static unsigned char img[H][W * 3];
  memset(img, 255, sizeof img);
  for (int x = 0; x < W; x++) {
    size_t a = n * (size_t)x / W, b = n * (size_t)(x + 1) / W;
    int lo = 0, hi = 0;
    for (size_t i = a; i < b; i++) {
      if (p[i] < lo)
        lo = p[i];
      if (p[i] > hi)
        hi = p[i];
    }
    int y0 = H / 2 - hi * (H / 2) / 32768, y1 = H / 2 - lo * (H / 2) / 32768;
    for (int y = y0; y <= y1 && y < H; y++)
      img[y][x * 3] = img[y][x * 3 + 1] = 40, img[y][x * 3 + 2] = 120;
    img[H / 2][x * 3] = 200;
  }
  FILE *f = fopen(out, "wb");
  png_structp w = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
                                          NULL);
  png_infop info = png_create_info_struct(w);
  if (f && w && info && !setjmp(png_jmpbuf(w))) {
    png_init_io(w, f);
    png_set_IHDR(w, info, W, H, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(w, info);
    for (int y = 0; y < H; y++)
      png_write_row(w, img[y]);
    png_write_end(w, NULL);
  }
  png_destroy_write_struct(&w, &info);
  if (f)
    fclose(f);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Long numbers are read digit by digit, short ones as numbers. */
static void test_normalize(void) {
  char out[128];
  speech_normalize("咨询电话：12349。", out, sizeof out);
  CHECK_STR(out, "咨询电话：1 2 3 4 9。");
  speech_normalize("每月500元，2026年3月8日", out, sizeof out);
  CHECK_STR(out, "每月500元，2026年3月8日");
  speech_normalize("编号JC-73341-F", out, sizeof out);
  CHECK_STR(out, "编号JC-7 3 3 4 1-F");
  speech_normalize("13912345678", out, 8); /* cut, still terminated */
  CHECK(strlen(out) < 8);
  CHECK_INT((int)speech_normalize("", out, sizeof out), 0);
}

int main(void) {
  test_normalize();
  snprintf(dir, sizeof dir, "/tmp/kiosk-speech-XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  speech *s = NULL;
  speech_config cfg = {.output = SPEECH_WAV, .wav_dir = dir, .volume = 80};
  CHECK_INT(speech_create(&cfg, &s), KERR_OK);
  if (!s)
    return TEST_DONE();
  CHECK_INT(speech_say(s, ""), KERR_INVALID);
  CHECK_INT(speech_get_state(s), SPEECH_STATE_IDLE); /* nothing loaded yet */

  /* A sentence, to the end; say() does not wait for the engine. */
  const char *hello = "您好！这里可以了解救助政策、申请救助、查询办理进度。";
  double t0 = now_ms();
  CHECK_INT(speech_say(s, hello), KERR_OK);
  double took = now_ms() - t0;
  if (took > 20)
    fprintf(stderr, "speech_say took %.1f ms\n", took);
  CHECK(took < 50);
  CHECK_INT(speech_wait(s, 30000), KERR_OK);
  CHECK_INT(speech_get_state(s), SPEECH_STATE_READY);
  uint32_t ms = 0;
  CHECK_INT(speech_finished(s, &ms), 1);
  size_t n = 0;
  int rate = 0;
  int16_t *a = read_wav(1, &n, &rate);
  CHECK(a != NULL);
  CHECK(rate >= 16000 && rate <= 48000);
  int voiced = a ? voiced_ms(a, n, rate) : 0;
  fprintf(stderr, "hello: %zu samples at %d Hz, %u ms, voiced %d ms, rms %.0f\n",
          n, rate, ms, voiced, a ? rms(a, n) : 0.0);
  /* 24 characters at a slow pace: several seconds, mostly voiced. */
  CHECK(ms > 2500 && ms < 20000);
  CHECK(voiced > 1500);
  if (a)
    waveform(a, n, "speech-waveform.png");

  /* Softer: the same sentence at half the volume is about half as loud. */
  speech_set_volume(s, 40);
  CHECK_INT(speech_volume(s), 40);
  CHECK_INT(speech_say(s, hello), KERR_OK);
  CHECK_INT(speech_wait(s, 30000), KERR_OK);
  size_t n2 = 0;
  int16_t *b = read_wav(2, &n2, &rate);
  CHECK(b != NULL && n2 > n * 99 / 100 && n2 < n * 101 / 100);
  if (a && b) {
    double ratio = rms(b, n2) / rms(a, n);
    fprintf(stderr, "volume 40 / 80: rms ratio %.2f\n", ratio);
    CHECK(ratio > 0.4 && ratio < 0.6);
  }
  free(a);
  free(b);

  /* A new sentence cuts the one being said: only the second is finished. */
  speech_set_volume(s, 80);
  uint32_t before = speech_finished(s, NULL);
  int files_before = files();
  CHECK_INT(speech_say(s, "第一句话很长很长，还没有说完，就被下一句打断了。"
                          "后面还有很多很多字，一直说下去。"),
            KERR_OK);
  CHECK_INT(speech_say(s, "第二句。"), KERR_OK);
  CHECK_INT(speech_wait(s, 30000), KERR_OK);
  CHECK_INT(speech_finished(s, &ms), before + 1);
  CHECK(ms < 2500);         /* the short one */
  CHECK_INT(files(), files_before + 1);

  /* Stop: nothing more is said. */
  before = speech_finished(s, NULL);
  CHECK_INT(speech_say(s, "这句话会被停下来，不会说完。这句话会被停下来。"),
            KERR_OK);
  speech_stop(s);
  CHECK_INT(speech_wait(s, 30000), KERR_OK);
  CHECK_INT(speech_finished(s, NULL), before);
  CHECK(!speech_busy(s));

  speech_destroy(s);

  /* Off: nothing is said, nothing fails. */
  speech_config off = {.output = SPEECH_OFF};
  CHECK_INT(speech_create(&off, &s), KERR_OK);
  CHECK_INT(speech_say(s, "不会说"), KERR_STATE);
  speech_destroy(s);
  speech_config bad = {.output = SPEECH_WAV};
  CHECK_INT(speech_create(&bad, &s), KERR_INVALID);

  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_DONE();
}
