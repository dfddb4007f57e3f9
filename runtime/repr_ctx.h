/* repr_ctx.h: what the repr printers (repr*.c) share; internal to them.
 *
 * One repr is one struct repr_ctx: the target, the limited output (repr_out.h), and the
 * containers being printed by depth, so that a container met again inside itself prints
 * its cycle marker ([...], (...), {...}, <...>), as the GDB script's pyp-repr does.
 * Nesting is bounded by the output limit (a container prints at least one character
 * before its first item); past REPR_MAX_DEPTH levels, the script's stack size, which
 * only a larger limit than PYP_REPR_LIMIT could reach, a container prints "<too deep>".
 *
 * The script works in steps, each inside its pyp-try: a leaf object whole; a
 * container's opening; each item's separator and whatever is read to find the item.
 * When memory gives out in a step (a wild pointer inside an object), the text of that
 * step is dropped (its characters stay counted), "...>" is printed, and a container
 * whose step failed is abandoned without its closing. The printers here keep the same
 * steps, with the reads and writes of each in the script's order: a leaf printer or a
 * container's opening returns false and repr_at drops its text; a container's item
 * step calls repr_step_failed. */
#ifndef PYP_REPR_CTX_H
#define PYP_REPR_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "python.h"
#include "repr_out.h"

enum { REPR_MAX_DEPTH = 1100 };

/* What pyp-classify decides, in the script's order of precedence. */
enum repr_kind {
    REPR_UNKNOWN, REPR_NONE, REPR_BOOL, REPR_INT, REPR_FLOAT, REPR_STR, REPR_BYTES,
    REPR_TUPLE, REPR_LIST, REPR_DICT, REPR_SET, REPR_FROZENSET, REPR_FROZENDICT, REPR_EXC,
    REPR_CFUNC, REPR_WRAPPER, REPR_INSTANCE, REPR_FRAME, REPR_GENERIC,
};

struct repr_obj {
    uint64_t addr;
    enum repr_kind kind;
    uint64_t type;            /* its type object */
    uint64_t name;            /* the type's tp_name (a char * in the target); 0 unknown */
    uint64_t flags;           /* the type's tp_flags */
};

struct repr_ctx {
    struct pyp_python *py;
    const struct pyp_printable *printable;   /* str.isprintable() of the target */
    struct pyp_repr_out out;
    int depth;                /* of the object being printed */
    /* active[d], d < depth: the container being printed at depth d (a frame printer
     * puts its frame there). */
    uint64_t active[REPR_MAX_DEPTH + 1];
};

/* repr_classify.c: O for the object at ADDR; kind REPR_UNKNOWN (name 0) when its type
 * cannot be read. */
void repr_classify(struct pyp_python *py, uint64_t addr, struct repr_obj *o);
/* Whether the 8 bytes at NAME + 8 * K equal word K of TEXT (LEN bytes; with its NUL when
 * LEN counts it): how the script compares type names. False when unreadable (*ok). */
bool repr_name_word(struct pyp_python *py, uint64_t name, const char *text, size_t len,
                    size_t k, bool *ok);

/* repr.c */
/* The repr of OBJ at the current depth. */
void repr_at(struct repr_ctx *c, uint64_t obj);
/* The repr of OBJ one level down (a container's item). */
void repr_child(struct repr_ctx *c, uint64_t obj);
/* A frame slot's value: a tagged int (3.14+), or an object one level down. */
void repr_slot_child(struct repr_ctx *c, uint64_t bits);
/* A container's item step that started at MARK failed: its text dropped, "...>". */
void repr_step_failed(struct repr_ctx *c, size_t mark);
/* <TPNAME at remote 0x...> */
bool repr_generic(struct repr_ctx *c, const struct repr_obj *o);
/* The C string at PTR (at most 256 bytes), as the script's pyp-put-cstr. */
bool repr_cstr(struct repr_ctx *c, uint64_t ptr);
/* The tp_name of OBJ's type. */
bool repr_type_name_of(struct repr_ctx *c, uint64_t obj);

/* repr_number.c */
bool repr_bool(struct repr_ctx *c, const struct repr_obj *o);
bool repr_int(struct repr_ctx *c, const struct repr_obj *o);
bool repr_float(struct repr_ctx *c, const struct repr_obj *o);

/* repr_str.c */
bool repr_str(struct repr_ctx *c, const struct repr_obj *o);
bool repr_bytes(struct repr_ctx *c, const struct repr_obj *o);
/* The text of str OBJ, unquoted (names); nothing when it is not a ready str. */
bool repr_str_raw(struct repr_ctx *c, uint64_t obj);

/* repr_containers.c */
bool repr_tuple(struct repr_ctx *c, const struct repr_obj *o);
bool repr_list(struct repr_ctx *c, const struct repr_obj *o);
bool repr_dict(struct repr_ctx *c, const struct repr_obj *o);
bool repr_set(struct repr_ctx *c, const struct repr_obj *o);
bool repr_exception(struct repr_ctx *c, const struct repr_obj *o);
struct pyp_dict_iter;
/* The item steps of IT's entries, "k: v, ..." or, AS_ATTRS, "k=v, ..." (names unquoted),
 * then CLOSE (and CLOSE_ADDR in hex and ">" when it is not 0). */
void repr_entries(struct repr_ctx *c, const struct pyp_dict_iter *it, bool as_attrs,
                  const char *close, uint64_t close_addr);

/* repr_builtins.c */
bool repr_cfunction(struct repr_ctx *c, const struct repr_obj *o);
bool repr_method_wrapper(struct repr_ctx *c, const struct repr_obj *o);

/* repr_instance.c */
bool repr_instance(struct repr_ctx *c, const struct repr_obj *o);

/* repr_frame.c */
/* "Frame 0x..., for file F, line L, in NAME (locals)" for the frame FRAME running CODE
 * (a PyFrameObject * before 3.11, a _PyInterpreterFrame * since). */
bool repr_python_frame(struct repr_ctx *c, uint64_t frame, uint64_t code);
bool repr_frame_object(struct repr_ctx *c, const struct repr_obj *o);

#endif
