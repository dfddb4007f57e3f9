/* util.h: small helpers shared by the generator: checked allocation, word splitting,
 * and reading files. Every allocation failure ends the program with one line. */
#ifndef PYP_UTIL_H
#define PYP_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Cuts LINE at '#' and at the end-of-line. */
void strip_comment(char *line);
bool is_blank(const char *line);
/* Splits LINE in place on whitespace into at most MAX words; returns the count. */
size_t split_words(char *line, char **words, size_t max);

/* Calls PARSE on each non-blank line of F with its comment cut; stops at the first that
 * returns false and writes "PATH:LINE: why" to ERR. */
typedef bool line_parser(void *ctx, char *line, int lineno, char *why, size_t why_size);
bool parse_lines(FILE *f, const char *path, line_parser *parse, void *ctx, char *err,
                 size_t err_size);

bool file_exists(const char *path);
bool dir_exists(const char *path);

#endif
