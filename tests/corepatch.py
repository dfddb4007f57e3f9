"""Corrupting copies of real cores the way memory goes bad: an 8-byte word of the
process's memory overwritten in place (a frame chain made to loop, a wild pointer), or
the file cut short. Used by the GDB script's and pyprinter's garbage-input tests."""
import json
import struct


def core_segments(path):
    """[(vaddr, filesz, offset)] of the PT_LOAD segments of an ELF core."""
    with open(path, 'rb') as f:
        head = f.read(64)
        phoff, = struct.unpack_from('<Q', head, 0x20)
        phentsize, phnum = struct.unpack_from('<HH', head, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    segs = []
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from('<IIQQQQ', table, i * phentsize)
        if p_type == 1:
            segs.append((p_vaddr, p_filesz, p_offset))
    return segs


def patch(path, address, value):
    """Writes the 8-byte VALUE at the process address ADDRESS of core PATH."""
    for vaddr, size, offset in core_segments(path):
        if vaddr <= address < vaddr + size:
            with open(path, 'r+b') as f:
                f.seek(offset + address - vaddr)
                f.write(struct.pack('<Q', value))
            return
    raise AssertionError('0x%x is not in the core' % address)


def cut(path, dest, fraction):
    """Copies the first FRACTION of core PATH to DEST."""
    import os
    with open(path, 'rb') as src, open(dest, 'wb') as dst:
        dst.write(src.read(int(os.path.getsize(path) * fraction)))


def scenario_table(target):
    with open(target.table_path()) as f:
        return {k: v['value'] for k, v in json.load(f)['facts'].items() if v}


def previous_offset(target):
    """Offset of the link to the next older frame: _PyInterpreterFrame.previous (3.11+),
    PyFrameObject.f_back (3.8-3.10)."""
    table = scenario_table(target)
    return table['iframe.previous'] if 'iframe.previous' in table else table['pyframe.back']
