/* private-structs.h: layouts that CPython keeps in its .c files or in headers it does not
 * install, restated here so that pyprinter-gen can measure them like the others.
 *
 * Parsed after the descriptor's headers. Each block names the CPython file that holds
 * the real definition; the DWARF test checks every field measured from here against the
 * binaries, so a mistake in this file fails the tests. */

/* Objects/descrobject.c: the method-wrapper object, all versions. */
typedef struct {
    PyObject_HEAD
    PyWrapperDescrObject *descr;
    PyObject *self;
} wrapperobject;

#if PY_VERSION_HEX < 0x030B0000
/* Objects/dict-common.h (3.8 - 3.10): the keys object of a dict and its entries. The
 * lookup function pointer is kept as void *: only its size matters here. */
typedef struct {
    Py_hash_t me_hash;
    PyObject *me_key;
    PyObject *me_value;
} PyDictKeyEntry;

struct _dictkeysobject {
    Py_ssize_t dk_refcnt;
    Py_ssize_t dk_size;
    void *dk_lookup;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
};
#endif

#if PY_VERSION_HEX < 0x030A0000
/* Objects/moduleobject.c (3.8, 3.9): a module object. */
typedef struct {
    PyObject_HEAD
    PyObject *md_dict;
    struct PyModuleDef *md_def;
    void *md_state;
    PyObject *md_weaklist;
    PyObject *md_name;
} PyModuleObject;
#endif
