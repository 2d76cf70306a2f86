/*
 * Identifiers for URLs and rows: UUID version 7 (time-ordered, so InnoDB
 * primary keys stay append-mostly; 74 random bits, so not guessable).
 */
#ifndef TK_UUID_H
#define TK_UUID_H

#define UUID_STR_LEN 36
#define UUID_BYTES 16

/* uuid_v7: a new lowercase UUID string into out. */
void uuid_v7(char out[UUID_STR_LEN + 1]);
/* uuid_valid: 1 when s is a lowercase canonical UUID string, else 0. */
int uuid_valid(const char *s);
/* uuid_format: the lowercase canonical text of the 16 bytes b into out. */
void uuid_format(const unsigned char b[UUID_BYTES], char out[UUID_STR_LEN + 1]);
/* uuid_parse: the 16 bytes of s, a lowercase canonical UUID string, into
 * out. TK_OK, or TK_EINVAL when uuid_valid(s) is 0. */
int uuid_parse(const char *s, unsigned char out[UUID_BYTES]);

#endif
