/* fuzz_decoder.c: a libFuzzer target that runs the whole decoder - thread lists, frame
 * chains, code objects, line tables, locals, reprs, both outputs - over an arbitrary
 * memory image (image_format.h) through the memory-source interface. Any crash, leak,
 * sanitizer report or hang is a bug: the decoder must treat memory as untrusted. */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "code.h"
#include "decode.h"
#include "image_format.h"
#include "output.h"
#include "python.h"
#include "repr.h"
#include "table.h"
#include "target.h"

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < IMAGE_HEADER + 12 || pyp_compiled_layout_count == 0)
        return 0;
    if (!sink)
        sink = fopen("/dev/null", "w");
    struct pyp_mem_region regions[IMAGE_MAX_REGIONS];
    size_t n = image_regions(data, size, regions);
    if (n == 0)
        return 0;
    struct pyp_target t = { .kind = PYP_TARGET_CORE, .pid = 1 };
    t.mem = pyp_mem_image(regions, n);
    struct pyp_python py = { .mem = t.mem, .runtime = regions[0].addr };
    const struct pyp_layout *layout = pyp_compiled_layouts[data[0] % pyp_compiled_layout_count];
    pyp_table_from(&py.table, layout);
    py.version_hex = layout->version_hex;
    snprintf(py.version, sizeof py.version, "%s", layout->cpython);
    snprintf(py.variant, sizeof py.variant, "%s", layout->variant);
    char err[512];
    bool usable = true;
    if ((data[1] & IMAGE_FLAG_DEBUG_OFFSETS) && HAS(&py.table, RUNTIME_DEBUG_OFFSETS))
        usable = pyp_debug_offsets_apply(&py, err, sizeof err);
    if (usable) {
        struct pyp_report r = { 0 };
        struct pyp_decode_options o = { .locals = (data[1] & IMAGE_FLAG_LOCALS) != 0 };
        r.with_locals = o.locals;
        pyp_describe(&t, &py, &r);
        pyp_decode(&t, &py, &o, &r);
        pyp_output_text(&r, sink);
        pyp_output_json(&r, sink);
        pyp_report_free(&r);
        struct pyp_buf b = PYP_BUF_INIT;
        for (size_t i = 0; i < n && i < 8; i++) {
            buf_clear(&b);
            pyp_repr(&py, regions[i].addr + 16, &b);
        }
        buf_free(&b);
    }
    pyp_code_cache_free(&py);
    pyp_python_free(&py);
    pyp_mem_close(t.mem);
    return 0;
}
