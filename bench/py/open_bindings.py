"""Opens a Berkas profile through the Python bindings (the same cdylib and wrappers the Kotlin
app uses), counts its pegawai and reads one record, ROUNDS times; prints the seconds of each
round as JSON. Run by bench-open.

usage: PYTHONPATH=DIR_WITH_berkas_ffi python3 open_bindings.py PROFILE NIP ROUNDS
"""
import json
import os
import sys
import time

import berkas_ffi as b


class FileKeys(b.KeyStore):
    """The key of a benchmark profile, read from its secrets.json (name -> hex)."""

    def __init__(self, profile):
        with open(os.path.join(profile, "secrets.json")) as f:
            self.items = {k: bytes.fromhex(v) for k, v in json.load(f).items()}

    def get(self, name):
        return self.items.get(name)

    def put(self, name, value):
        self.items[name] = bytes(value)
        return True

    def delete(self, name):
        self.items.pop(name, None)

    def describe(self):
        return "benchmark file"


def main():
    profile, nip, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    keys = FileKeys(profile)
    secs, count = [], 0
    for _ in range(rounds):
        t = time.perf_counter()
        p = b.BerkasProfile.open(profile, keys)
        count = p.count_pegawai()
        record = p.record_json(nip)
        secs.append(time.perf_counter() - t)
        assert nip in record
        del p
    print(json.dumps({"secs": secs, "count": count}))


if __name__ == "__main__":
    main()
