#!/usr/bin/env python3
"""Independent reference of PPML container format v1 (docs/formats/ppml-container-v1.md), in Python.

Used once to compute the known answer pinned in ContainerSpecConformanceTests.Encrypt_FixedInputs_ProducesPinnedBytes,
and usable to decrypt the golden files. Needs the 'cryptography' package (Debian: python3-cryptography).

    python3 ppml_container_v1.py known-answer          # prints the pinned container as hex
    python3 ppml_container_v1.py decrypt FILE KEYHEX   # writes the plaintext to stdout
"""
import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

MAGIC = bytes([0x89, 0x50, 0x50, 0x4D, 0x4C, 0x0D, 0x0A, 0x1A])
SEGMENT_INFO = b"PPML container v1 AES-256-GCM segment key"
HEADER_INFO = b"PPML container v1 HMAC-SHA256 header key"


def keys(data_key, salt):
    prk = hmac.new(salt, data_key, hashlib.sha256).digest()  # HKDF-Extract (RFC 5869 2.2)
    segment_key = HKDFExpand(hashes.SHA256(), 32, SEGMENT_INFO).derive(prk)
    header_key = HKDFExpand(hashes.SHA256(), 32, HEADER_INFO).derive(prk)
    return segment_key, header_key


def nonce(prefix, index, final):
    return prefix + struct.pack(">I", index) + (b"\x01" if final else b"\x00")


def encrypt(plaintext, data_key, key_reference, key_version, wrapped, segment_size, salt, prefix):
    ref = key_reference.encode("utf-8")
    body = (MAGIC + struct.pack(">HHIiHH", 1, 1, segment_size, key_version, len(ref), len(wrapped))
            + salt + prefix + ref + wrapped)
    segment_key, header_key = keys(data_key, salt)
    header = body + hmac.new(header_key, body, hashlib.sha256).digest()
    aad = hashlib.sha256(header).digest()
    aes = AESGCM(segment_key)
    count = max(1, -(-len(plaintext) // segment_size))
    out = bytearray(header)
    for i in range(count):
        chunk = plaintext[i * segment_size:(i + 1) * segment_size]
        out += aes.encrypt(nonce(prefix, i, i == count - 1), chunk, aad)
    return bytes(out)


def decrypt(container, data_key):
    assert container[:8] == MAGIC, "not a PPML container"
    version, algorithm, segment_size, key_version, ref_len, wrapped_len = struct.unpack(">HHIiHH", container[8:24])
    assert version == 1 and algorithm == 1
    salt, prefix = container[24:56], container[56:63]
    tag_offset = 63 + ref_len + wrapped_len
    header_length = tag_offset + 32
    segment_key, header_key = keys(data_key, salt)
    expected = hmac.new(header_key, container[:tag_offset], hashlib.sha256).digest()
    assert hmac.compare_digest(expected, container[tag_offset:header_length]), "header failed authentication"
    aad = hashlib.sha256(container[:header_length]).digest()
    body = container[header_length:]
    stored = segment_size + 16
    count = max(1, -(-len(body) // stored))
    aes = AESGCM(segment_key)
    return b"".join(
        aes.decrypt(nonce(prefix, i, i == count - 1), body[i * stored:(i + 1) * stored], aad) for i in range(count))


if __name__ == "__main__":
    if sys.argv[1:] == ["known-answer"]:
        print(encrypt(b"PPML container v1 known answer", bytes(range(32)), "file:/keys/demo.json#orders", 3,
                      b"wrapped-key-demo", 4096, bytes(range(0xA0, 0xC0)), bytes(range(0xC0, 0xC7))).hex().upper())
    elif len(sys.argv) == 4 and sys.argv[1] == "decrypt":
        with open(sys.argv[2], "rb") as f:
            sys.stdout.buffer.write(decrypt(f.read(), bytes.fromhex(sys.argv[3])))
    else:
        sys.exit(__doc__)
