"""Scenario: Python called back from a C extension (the _json encoder calls `default`),
and a generator and a lambda on the way."""
import json
import time

import truth


class Opaque:
    def __init__(self, tag):
        self.tag = tag


def hook(obj):
    seen = obj.tag
    truth.record(); time.sleep(3600)


def encode(items):
    return json.dumps(list(items), default=hook)


def source():
    yield Opaque('x')


encode(x for x in source())
