/* repr.c: see repr.h. (Placeholder: the generic form only; the per-type printers are
 * being written.) */
#include "repr.h"

#include "objects.h"

void pyp_repr(struct pyp_python *py, uint64_t obj, struct pyp_buf *out)
{
    char name[PYP_TYPE_NAME_MAX];
    if (obj == 0) {
        buf_adds(out, "0x0");
        return;
    }
    if (!pyp_obj_type_name(py, obj, name))
        buf_printf(out, "<unknown at remote 0x%llx>", (unsigned long long)obj);
    else
        buf_printf(out, "<%s at remote 0x%llx>", name, (unsigned long long)obj);
}

void pyp_repr_slot(struct pyp_python *py, uint64_t bits, struct pyp_buf *out)
{
    uint64_t obj;
    bool is_int;
    int64_t value;
    pyp_stackref(py, bits, &obj, &is_int, &value);
    if (is_int)
        buf_printf(out, "%lld", (long long)value);
    else
        pyp_repr(py, obj, out);
}
