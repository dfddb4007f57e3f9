/* util.h: small helpers shared by the generator: checked allocation, word splitting,
 * and reading files. Every allocation failure ends the program with one line. */
#ifndef PYP_UTIL_H
#define PYP_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Cuts LINE at '#' and at the end-of-line. */
void strip_comment(char *line);
bool is_blank(const char *line);
/* Splits LINE in place on whitespace into at most MAX words; returns the count. */
size_t split_words(char *line, char **words, size_t max);

bool file_exists(const char *path);
bool dir_exists(const char *path);

#endif
