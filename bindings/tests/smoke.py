"""Smoke test of the generated Python bindings (a second consumer of the same library as
Kotlin): a profile whose key lives in a store implemented in Python, reopened, refused
without its key; NIP decoding and a malformed NIP's error code; a capture that is not an
image refused with its code.

usage: PYTHONPATH=DIR_WITH_berkas_ffi.py_AND_THE_LIBRARY python3 bindings/tests/smoke.py
"""
import tempfile
import os

import berkas_ffi as b


class DictKeys(b.KeyStore):
    def __init__(self):
        self.items = {}

    def get(self, name):
        return self.items.get(name)

    def put(self, name, value):
        self.items[name] = bytes(value)
        return True

    def delete(self, name):
        self.items.pop(name, None)

    def describe(self):
        return "python dict"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        keys = DictKeys()
        path = os.path.join(tmp, "profile")
        p = b.BerkasProfile.create(path, "tester", keys)
        assert p.schema_version() >= 5, p.schema_version()
        assert p.count_pegawai() == 0
        assert len(keys.items) == 1 and len(next(iter(keys.items.values()))) == 32, "the key went to the app's store"
        del p
        again = b.BerkasProfile.open(path, keys)
        assert again.sync_status().server is None
        try:
            b.BerkasProfile.open(path, DictKeys())
            raise AssertionError("opened without its key")
        except b.BerkasError.Failed as e:
            assert e.code == "profile.key_missing", e.code
        try:
            again.record_json("198503122010011002")
            raise AssertionError("found a record in an empty profile")
        except b.BerkasError.Failed as e:
            assert e.code == "not_found", e.code
        try:
            again.check_document([b.CapturePage(bytes=b"bukan gambar", crop=None)])
            raise AssertionError("text was accepted as a document")
        except b.BerkasError.Failed as e:
            assert e.code == "doc.unsupported", e.code

    facts = b.parse_nip("198503122010011002")
    assert (facts.kind, facts.birth_date, facts.sex) == ("pns", "1985-03-12", "M"), facts
    try:
        b.parse_nip("19850312201001100")
        raise AssertionError("a 17-digit NIP was accepted")
    except b.BerkasError.Failed as e:
        assert e.code.startswith("nip."), e.code
    print("python bindings: ok")


if __name__ == "__main__":
    main()
