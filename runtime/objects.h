/* objects.h: reading the Python objects the decoder meets, through the layout table:
 * an object's type and type name, the text of a str, the items of a tuple, the bytes of
 * a bytes object, cells. Every read is checked; false means the object could not be
 * read as that kind (a wild pointer, a truncated core, another type).
 *
 * The repr of arbitrary objects, with python-gdb.py's rules, is repr.h's job. */
#ifndef PYP_OBJECTS_H
#define PYP_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "python.h"

enum { PYP_TYPE_NAME_MAX = 256 };

/* The type object of OBJ. */
bool pyp_obj_type(struct pyp_python *py, uint64_t obj, uint64_t *type);
/* The tp_name of TYPE (at most PYP_TYPE_NAME_MAX - 1 bytes) into NAME. */
bool pyp_type_name(struct pyp_python *py, uint64_t type, char *name);
/* OBJ's type name. */
bool pyp_obj_type_name(struct pyp_python *py, uint64_t obj, char *name);
bool pyp_type_flags(struct pyp_python *py, uint64_t type, uint64_t *flags);

/* Bit-field FIELD (a fact whose value is its bit offset from the struct start, with its
 * width) of the 32-bit word STATE read at byte offset STATE_OFFSET; 0 when the field is
 * not inside that word. */
unsigned pyp_bitfield(const struct pyp_table *t, unsigned field, uint32_t state,
                      int64_t state_offset);

/* A str object, as its state says. */
struct pyp_str {
    int64_t length;           /* code points */
    unsigned kind;            /* 1, 2 or 4 bytes per code point */
    bool ascii;
    uint64_t data;            /* address of the code points */
};
/* Reads OBJ's str header; false for a legacy (not ready) or unreadable string. */
bool pyp_str_open(struct pyp_python *py, uint64_t obj, struct pyp_str *s);
/* Code points [FROM, FROM + N) of S into CPS. */
bool pyp_str_chars(struct pyp_python *py, const struct pyp_str *s, int64_t from, size_t n,
                   uint32_t *cps);
/* The text of str OBJ, unquoted, as UTF-8, appended to OUT; at most MAX_CHARS code
 * points (the rest dropped). False when OBJ is not a readable str. */
bool pyp_str_text(struct pyp_python *py, uint64_t obj, struct pyp_buf *out, size_t max_chars);
/* Whether str OBJ equals the UTF-8 text WANT. */
bool pyp_str_equals(struct pyp_python *py, uint64_t obj, const char *want);

/* Size and items of a tuple. */
bool pyp_tuple_size(struct pyp_python *py, uint64_t tuple, int64_t *size);
bool pyp_tuple_item(struct pyp_python *py, uint64_t tuple, int64_t i, uint64_t *item);
/* The bytes of a bytes object (at most MAX) appended to OUT. */
bool pyp_bytes_data(struct pyp_python *py, uint64_t obj, struct pyp_buf *out, size_t max);

/* The value of int OBJ when it fits in 62 bits (at most two 30-bit digits... or more
 * while it fits); false for anything else. */
bool pyp_long_value(struct pyp_python *py, uint64_t obj, int64_t *value);

/* Whether OBJ is a code object (its type is PyCode_Type, or is named "code"). */
bool pyp_is_code(struct pyp_python *py, uint64_t obj);
/* Whether OBJ is a cell; *contents gets what it holds (0 when empty). */
bool pyp_cell_contents(struct pyp_python *py, uint64_t obj, uint64_t *contents);

/* A _PyStackRef (3.14+) or PyObject * slot value: *obj the object (0 for NULL), or
 * *is_int with *int_value for a tagged int. */
void pyp_stackref(const struct pyp_python *py, uint64_t bits, uint64_t *obj, bool *is_int,
                  int64_t *int_value);

#endif
