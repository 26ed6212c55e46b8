#!/usr/bin/env python3
"""An independent implementation of docs/formats/data-key-wrap-v3.md (needs python3-cryptography).

    python3 derived_key_aead_v3.py known-answer    prints the pinned known answers of DerivedKeyAeadTests/DataKeyWrapTests
    python3 derived_key_aead_v3.py open KEY DOMAIN SEALED [AD]   opens a format-3 value (hex arguments, DOMAIN as text)
"""
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT = 3


def one_time_key(key: bytes, salt: bytes, domain: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=domain.encode("utf-8")).derive(key)


def seal(key: bytes, domain: str, salt: bytes, plaintext: bytes, ad: bytes) -> bytes:
    assert len(key) >= 32 and len(salt) == 32
    sealed = AESGCM(one_time_key(key, salt, domain)).encrypt(bytes(12), plaintext, ad)  # ciphertext || tag
    return bytes([FORMAT]) + salt + sealed


def open_(key: bytes, domain: str, blob: bytes, ad: bytes) -> bytes:
    if len(blob) < 49 or blob[0] != FORMAT:
        raise ValueError("not a format-3 value")
    return AESGCM(one_time_key(key, blob[1:33], domain)).decrypt(bytes(12), blob[33:], ad)


def wrap_ad(name: str, version: int) -> bytes:
    return b"ppml-kms-dk-v3\x00" + name.encode("utf-8") + b"\x00" + struct.pack(">i", version)


def main() -> None:
    if sys.argv[1] == "known-answer":
        key = bytes(range(0x00, 0x20))
        salt = bytes(range(0x20, 0x40))
        print("aead", seal(key, "ppml/test/v3", salt, b"PPML derived-key AEAD", b"associated").hex())
        print("wrap", seal(key, "ppml/data-key-wrap/v3", salt, bytes(range(0x40, 0x60)), wrap_ad("orders", 7)).hex())
    elif sys.argv[1] == "open":
        ad = bytes.fromhex(sys.argv[5]) if len(sys.argv) > 5 else b""
        print(open_(bytes.fromhex(sys.argv[2]), sys.argv[3], bytes.fromhex(sys.argv[4]), ad).hex())


if __name__ == "__main__":
    main()
