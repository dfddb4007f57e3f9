/* pyembed.c: a program that embeds CPython, for the tests (tests/test_embed.py): linked
 * against libpython3.X.so, it runs a Python file the way an application with a scripting
 * layer does, from C frames of its own (main -> run_script -> PyRun_SimpleFileExFlags),
 * with sys.argv and sys.path[0] as python would set them.
 *
 *   pyembed SCRIPT [ARG...]     runs SCRIPT as __main__
 *   pyembed -c CODE [ARG...]    runs CODE */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
    fprintf(stderr, "pyembed: %s\n", what);
    return 2;
}

static int start_interpreter(int argc, char **argv)
{
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.parse_argv = 0;
    PyStatus status = PyConfig_SetBytesArgv(&config, argc, argv);
    if (!PyStatus_Exception(status))
        status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    return PyStatus_Exception(status) ? -1 : 0;
}

/* sys.path[0] = the directory of SCRIPT, as python sets it. */
static int put_script_dir_first(const char *script)
{
    char *copy = strdup(script);
    PyObject *path = PySys_GetObject("path");
    PyObject *dir = copy ? PyUnicode_DecodeFSDefault(dirname(copy)) : NULL;
    int rc = path && dir ? PyList_Insert(path, 0, dir) : -1;
    Py_XDECREF(dir);
    free(copy);
    return rc;
}

static int run_script(const char *script)
{
    FILE *f = fopen(script, "rb");
    if (!f)
        return fail("cannot open the script");
    if (put_script_dir_first(script) != 0)
        return fail("cannot set sys.path");
    return PyRun_SimpleFileExFlags(f, script, 1, NULL) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "-c") == 0 && argc < 3))
        return fail("usage: pyembed SCRIPT [ARG...] | pyembed -c CODE [ARG...]");
    if (start_interpreter(argc - 1, argv + 1) != 0)
        return fail("cannot start the interpreter");
    int rc = strcmp(argv[1], "-c") == 0 ? (PyRun_SimpleString(argv[2]) == 0 ? 0 : 1)
                                        : run_script(argv[1]);
    if (Py_FinalizeEx() < 0)
        rc = 120;
    return rc;
}
