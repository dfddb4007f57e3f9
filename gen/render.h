/* render.h: renders the GDB script templates (templates/NN-name.gdb.in) with one layout
 * table's values baked in, into a pure GDB command-language script.
 *
 * Template language, kept tiny so the output reads like hand-written GDB script:
 *   @NAME@                 the value of fact NAME (decimal); @cpython@, @version_hex@,
 *                          @minor@, @variant@ name the table itself; @decoder@ is the
 *                          path of the pyprinter the script hands work to ("" for none); @width:NAME@ is a
 *                          bit-field's width; @word:TEXT:K@ / @mask:TEXT:K@ are the Kth
 *                          8 bytes of the C string TEXT (with its NUL) and their mask;
 *                          @zeros:N@ is "0, 0, ..." (N zeros, an array literal's elements);
 *                          @printable:nblocks@, @printable:blocks@, @printable:nbits@,
 *                          @printable:bits@ the block table of printable.h, and
 *                          @printable:unicode@, @printable:cpython@ where it came from
 *   #@if COND / #@elif COND / #@else / #@endif
 *                          keep lines by COND: "NAME" (the fact exists), "!NAME", or
 *                          "NAME OP INTEGER" with OP one of == != < <= > >=
 * A line that names a fact this version lacks is an error, so a template can never
 * silently print a wrong offset. */
#ifndef PYP_RENDER_H
#define PYP_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "printable.h"
#include "table.h"

/* Renders every .gdb.in file of TEMPLATES_DIR, in name order, to OUT, with the
 * printable ranges P. DECODER: the pyprinter program the script hands py-bt and
 * py-bt-full to, NULL for none. */
bool render_gdb_script(const struct layout_table *t, const struct printable *p,
                       const char *templates_dir, const char *decoder, FILE *out, char *err,
                       size_t err_size);

#endif
