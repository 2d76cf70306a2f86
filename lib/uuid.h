/*
 * Identifiers for URLs and rows: UUID version 7 (time-ordered, so InnoDB
 * primary keys stay append-mostly; 74 random bits, so not guessable).
 */
#ifndef TK_UUID_H
#define TK_UUID_H

#define UUID_STR_LEN 36

/* uuid_v7: a new lowercase UUID string into out. */
void uuid_v7(char out[UUID_STR_LEN + 1]);
/* uuid_valid: 1 when s is a lowercase canonical UUID string, else 0. */
int uuid_valid(const char *s);

#endif
