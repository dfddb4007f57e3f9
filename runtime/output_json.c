/* output_json.c: the report as one JSON document (see output.h and the schema in
 * README.md, "pyprinter --json"). Addresses are strings "0x..." (JSON numbers lose
 * 64-bit precision); unknown values are null. */
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>

#include "output.h"

static json_object *hex(uint64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "0x%" PRIx64, v);
    return json_object_new_string(text);
}

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static const char *kind_name(unsigned kind)
{
    if (kind & PYP_LOCAL_FREE)
        return "free";
    if (kind & PYP_LOCAL_CELL)
        return kind & PYP_LOCAL_ARGUMENT ? "argument cell" : "cell";
    if (kind & PYP_LOCAL_ARGUMENT)
        return "argument";
    return "local";
}

static const char *gil_name(enum pyp_gil_state g)
{
    switch (g) {
    case PYP_GIL_HELD: return "held";
    case PYP_GIL_WAITING: return "waiting";
    case PYP_GIL_RELEASED: return "released";
    case PYP_GIL_NONE: return "none";
    default: return "unknown";
    }
}

static json_object *python_frame(const struct pyp_pyframe *f, bool with_locals)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file", str_or_null(f->file));
    json_object_object_add(o, "line", f->line >= 0 ? json_object_new_int(f->line) : NULL);
    json_object_object_add(o, "function", str_or_null(f->function));
    json_object_object_add(o, "qualname", str_or_null(f->qualname));
    json_object_object_add(o, "source", str_or_null(f->source));
    json_object_object_add(o, "frame", hex(f->address));
    json_object_object_add(o, "code", hex(f->code));
    json_object_object_add(o, "run", json_object_new_int(f->run));
    json_object_object_add(o, "error", str_or_null(f->error));
    if (with_locals) {
        json_object *locals = json_object_new_array();
        for (size_t i = 0; i < f->local_count; i++) {
            json_object *l = json_object_new_object();
            json_object_object_add(l, "name", json_object_new_string(f->locals[i].name));
            json_object_object_add(l, "kind", json_object_new_string(kind_name(f->locals[i].kind)));
            json_object_object_add(l, "repr", json_object_new_string(f->locals[i].repr));
            json_object_array_add(locals, l);
        }
        json_object_object_add(o, "locals", locals);
        json_object_object_add(o, "locals_complete", json_object_new_boolean(!f->locals_error));
    }
    return o;
}

static json_object *native_frame(const struct pyp_native_frame *n)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "pc", hex(n->pc));
    json_object_object_add(o, "sp", hex(n->sp));
    json_object_object_add(o, "function", str_or_null(n->function));
    json_object_object_add(o, "module", str_or_null(n->module));
    json_object_object_add(o, "module_offset", n->module ? hex(n->module_offset) : NULL);
    json_object_object_add(o, "file", str_or_null(n->file));
    json_object_object_add(o, "line", n->line > 0 ? json_object_new_int(n->line) : NULL);
    json_object_object_add(o, "inlined", json_object_new_boolean(n->inlined));
    json_object_object_add(o, "run", n->run >= 0 ? json_object_new_int(n->run) : NULL);
    return o;
}

static const char *chain_problem(int p)
{
    return p == 1 ? "cycle" : p == 2 ? "too long" : p == 3 ? "unreadable" : NULL;
}

static json_object *thread(const struct pyp_thread *t, bool with_locals)
{
    char status[128];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "tid", t->tid ? json_object_new_int(t->tid) : NULL);
    json_object_object_add(o, "name", str_or_null(t->name));
    json_object_object_add(o, "main", json_object_new_boolean(t->is_main));
    json_object_object_add(o, "tstate", t->tstate ? hex(t->tstate) : NULL);
    json_object_object_add(o, "pthread_id", t->tstate ? hex(t->pthread_id) : NULL);
    json_object_object_add(o, "interpreter",
                           t->interpreter_id >= 0 ? json_object_new_int64(t->interpreter_id) : NULL);
    json_object *st = json_object_new_object();
    json_object_object_add(st, "gil", json_object_new_string(gil_name(t->gil)));
    json_object_object_add(st, "gc", json_object_new_boolean(t->gc));
    json_object_object_add(st, "text", json_object_new_string(pyp_thread_status(t, status, sizeof status)));
    json_object_object_add(o, "status", t->tstate ? st : (json_object_put(st), NULL));
    json_object_object_add(o, "error", str_or_null(t->error));
    json_object_object_add(o, "frame_chain_problem", str_or_null(chain_problem(t->chain_problem)));
    json_object *frames = json_object_new_array();
    for (size_t i = 0; i < t->frame_count; i++)
        json_object_array_add(frames, python_frame(&t->frames[i], with_locals));
    json_object_object_add(o, "frames", frames);
    if (t->has_native) {
        json_object *native = json_object_new_array();
        for (size_t i = 0; i < t->native_count; i++)
            json_object_array_add(native, native_frame(&t->native[i]));
        json_object_object_add(o, "native", native);
        json_object_object_add(o, "merge_problem", str_or_null(t->merge_problem));
    }
    return o;
}

void pyp_output_json(const struct pyp_report *r, FILE *out)
{
    bool with_locals = r->with_locals;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "schema", json_object_new_string("pyprinter-bt/1"));
    json_object *target = json_object_new_object();
    json_object_object_add(target, "kind", json_object_new_string(r->core ? "core" : "process"));
    json_object_object_add(target, "pid", json_object_new_int(r->pid));
    json_object_object_add(target, "core", str_or_null(r->core_path));
    json_object_object_add(target, "executable", str_or_null(r->executable));
    json_object_object_add(target, "command", str_or_null(r->command));
    if (r->signal) {
        json_object *sig = json_object_new_object();
        const char *name = sigabbrev_np(r->signal);
        char full[32];
        snprintf(full, sizeof full, "SIG%s", name ? name : "?");
        json_object_object_add(sig, "number", json_object_new_int(r->signal));
        json_object_object_add(sig, "name", json_object_new_string(full));
        json_object_object_add(sig, "address", r->fault_addr ? hex(r->fault_addr) : NULL);
        json_object_object_add(target, "signal", sig);
    } else {
        json_object_object_add(target, "signal", NULL);
    }
    json_object_object_add(root, "target", target);
    json_object *python = json_object_new_object();
    json_object_object_add(python, "version", str_or_null(r->python_version));
    json_object_object_add(python, "version_hex", r->python_version ? hex(r->version_hex) : NULL);
    json_object_object_add(python, "variant", str_or_null(r->variant));
    json_object_object_add(python, "runtime", r->runtime ? hex(r->runtime) : NULL);
    json_object_object_add(python, "found_by", str_or_null(r->found_by));
    json_object_object_add(root, "python", python);
    json_object *notes = json_object_new_array();
    for (size_t i = 0; i < r->note_count; i++)
        json_object_array_add(notes, json_object_new_string(r->notes[i]));
    json_object_object_add(root, "notes", notes);
    json_object *threads = json_object_new_array();
    for (size_t i = 0; i < r->thread_count; i++)
        json_object_array_add(threads, thread(&r->threads[i], with_locals));
    json_object_object_add(root, "threads", threads);
    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
          out);
    fputc('\n', out);
    json_object_put(root);
}
