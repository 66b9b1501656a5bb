"""Streaming SHA-256: files are read in 1 MiB chunks, never whole into memory."""

import hashlib

CHUNK = 1024 * 1024
ALGORITHM = "SHA-256"


def sha256_file(path, *, on_chunk=None):
    """Hex SHA-256 of the file at `path`. `on_chunk(bytes_done)` is called as it goes."""
    digest = hashlib.sha256()
    done = 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while True:
            count = handle.readinto(buffer)
            if not count:
                break
            digest.update(view[:count])
            done += count
            if on_chunk is not None:
                on_chunk(done)
    return digest.hexdigest()


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def is_sha256(text):
    return len(text) == 64 and all(char in "0123456789abcdef" for char in text)
