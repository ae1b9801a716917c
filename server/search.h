/* search: keyed digests for finding applications by name or ID number.
 *
 * The applicant's name and ID number are inside the sealed payload; the
 * database never holds them in clear. What it holds instead are keyed
 * BLAKE2b digests of their normalised forms, under a search key derived
 * from the server's check key (check.key): without that file a digest
 * cannot be tested against guesses. The console's search computes the same
 * digests from what staff type. Pure functions, no store. */
#ifndef SERVER_SEARCH_H
#define SERVER_SEARCH_H

#include <stddef.h>

#include "kiosk/core/kerr.h"
#include "store.h"

struct cJSON;

enum { SEARCH_KEY_BYTES = 32 };

/* Derives the search key from the check key (domain-separated). */
void search_key_derive(const unsigned char check_key[32],
                       unsigned char key[SEARCH_KEY_BYTES]);

/* The digests of an opened payload (plain, n bytes of JSON): the
 * applicant's name (answers.applicant_name) and ID number
 * (answers.applicant_id), each when present. out holds STORE_SEARCH_MAX
 * digests; *n_out = how many were written. Copies of the values are wiped.
 * KERR_INVALID if plain is not a JSON object (*n_out = 0). */
kerr search_digests_payload(const unsigned char key[SEARCH_KEY_BYTES],
                            const char *plain, size_t n,
                            unsigned char out[][STORE_SEARCH_BYTES],
                            size_t *n_out);

/* The same from a payload already parsed (pt; KERR_INVALID unless an
 * object). Nothing is wiped: pt is the caller's. */
kerr search_digests_json(const unsigned char key[SEARCH_KEY_BYTES],
                         const struct cJSON *pt,
                         unsigned char out[][STORE_SEARCH_BYTES],
                         size_t *n_out);

/* The digests a typed query q may match: as a name, and as an ID number
 * when it looks like one. *n_out = how many (0 for an empty query). */
void search_digests_query(const unsigned char key[SEARCH_KEY_BYTES],
                          const char *q,
                          unsigned char out[][STORE_SEARCH_BYTES],
                          size_t *n_out);

/* A reference as typed ("jc7k-m4px-q", "JC7KM4PXQ") in its search form:
 * upper case, without dashes and spaces. 0 if q cannot be a reference
 * (other characters, or longer than STORE_REF_MAX). */
int search_ref_key(const char *q, char out[STORE_REF_MAX + 1]);

#endif
