/* table_json.c: a layout table read from its JSON form (what pyprinter-gen writes, the
 * committed tables' format), for `pyprinter --table FILE`: a table made for a build no
 * compiled table matches. Facts are matched by logical name; a name the file lacks is
 * absent, a name the decoder does not know is ignored. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "table.h"

static const char *json_str(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static bool read_fact(json_object *v, struct pyp_fact *f)
{
    json_object *value, *width;
    if (!v || json_object_is_type(v, json_type_null))
        return true;
    if (!json_object_is_type(v, json_type_object) || !json_object_object_get_ex(v, "value", &value) ||
        !json_object_is_type(value, json_type_int))
        return false;
    f->value = json_object_get_int64(value);
    f->width = json_object_object_get_ex(v, "width", &width) ? (int16_t)json_object_get_int(width) : 0;
    f->present = 1;
    return true;
}

const struct pyp_layout *pyp_layout_from_json(const char *path, char *err, size_t err_size)
{
    json_object *root = json_object_from_file(path);
    if (!root) {
        snprintf(err, err_size, "cannot read the layout table %s: %s", path, json_util_get_last_err());
        return NULL;
    }
    const char *cpython = json_str(root, "cpython"), *variant = json_str(root, "variant");
    const char *hex = json_str(root, "version_hex"), *target = json_str(root, "target");
    json_object *facts;
    if (!cpython || !variant || !hex || !json_object_object_get_ex(root, "facts", &facts)) {
        snprintf(err, err_size, "%s is not a pyprinter layout table (no cpython, variant, "
                                "version_hex or facts)", path);
        json_object_put(root);
        return NULL;
    }
    struct pyp_fact *list = pyp_xcalloc(PYP_FACT_COUNT, sizeof *list);
    for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
        json_object *v = NULL;
        json_object_object_get_ex(facts, pyp_fact_name(id), &v);
        if (!read_fact(v, &list[id])) {
            snprintf(err, err_size, "layout table %s: fact %s is malformed", path, pyp_fact_name(id));
            free(list);
            json_object_put(root);
            return NULL;
        }
    }
    struct pyp_layout *l = pyp_xcalloc(1, sizeof *l);
    l->cpython = pyp_xstrdup(cpython);
    l->version_hex = strtoul(hex, NULL, 16);
    l->variant = pyp_xstrdup(variant);
    l->target = pyp_xstrdup(target ? target : "x86_64-linux-gnu");
    l->facts = list;
    json_object_put(root);
    return l;
}
