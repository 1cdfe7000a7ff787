"""An encrypted APFS volume made at test time from dfvfs's plain `apfs.raw` (data/README.md).

No small published encrypted APFS image could be had (dfvfs's `apfs_encrypted.dmg` is absent from
the snapshot this project can fetch; dissect.apfs's is a Git LFS pointer under the AGPL), and no
free tool writes APFS encryption. So `encrypted_apfs` encrypts the published container the way
libyal's "Apple File System (APFS)" format documentation and libfsapfs, which reads it, describe
software encryption:

- a volume encryption key (VEK, 32 bytes) encrypts, with AES-XTS-128 (key 1 = VEK[:16], key 2 =
  VEK[16:]) in 512-byte units whose tweak is the sector number: every file-system B-tree node the
  volume's object map points to (tweak: the node's physical sector) and every block a file extent
  record names (tweak: the record's crypto id, plus the block's offset in the extent, in sectors);
  the volume superblock, object maps and the other trees stay plain;
- the VEK is wrapped (RFC 3394 AES key wrap, AES-256) with a key-encrypting key (KEK), kept in the
  container key bag (`keys`, entry tag 2, the volume's UUID); the KEK is wrapped with
  PBKDF2-HMAC-SHA256 of the password (salt, iterations) in the volume key bag (`recs`, entry
  tag 3), which the container key bag locates (entry tag 3: block number, block count);
- each key bag is one object of its own (kb_locker_t: version 2, entries 16-byte aligned),
  encrypted with AES-XTS-128 keyed twice with the container's (resp. the volume's) UUID, its
  tweak the sector number; the two key bags are appended after the container's last block;
- the container superblocks name the container key bag (nx_keylocker) and the new block count;
  the volume superblocks lose the "unencrypted" flag; every changed object gets its Fletcher-64
  checksum again.

libfsapfs unlocking the result with the password and reading the same files as from the plain
container is the check that the bytes were written right. AES runs in `openssl enc` (ECB and
id-aes256-wrap); XTS's tweak arithmetic in Python.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import subprocess
from pathlib import Path

DATA = Path(__file__).parent / "data"
#: dfvfs's test_data/apfs.raw (data/README.md): one volume `apfs_test`, not encrypted.
PLAIN_APFS = (
    "dfvfs-apfs.raw.gz",
    "e3e3adcbbf189403d892b013d6cba155f2e58e42ff5eb541ec681c37a91a3f29",
)
#: The password of the volume `encrypted_apfs` makes (a test password, nothing else).
APFS_PASSWORD = "zebra-test-apfs-password"
#: A recovery key in the form macOS gives one (six groups of four), for tests only.
APFS_RECOVERY_KEY = "ZBRA-TEST-K3Y0-ABCD-EFGH-2345"
#: The unlock record of a personal recovery key carries this UUID (Apple's APFS reference).
_RECOVERY_USER = bytes.fromhex("ebc6c064000011aaaa1100306543ecac")

SECTOR = 512
_NODE_ROOT, _NODE_LEAF, _NODE_FIXED = 0x1, 0x2, 0x4
_FILE_EXTENT = 8
_KEYS, _RECS = 0x6B657973, 0x72656373


def plain_apfs(target: Path) -> Path:
    """dfvfs's plain APFS container, decompressed to `target` (its sha256 checked)."""
    data = gzip.decompress((DATA / PLAIN_APFS[0]).read_bytes())
    assert hashlib.sha256(data).hexdigest() == PLAIN_APFS[1]
    target.write_bytes(data)
    return target


def encrypted_apfs(
    target: Path, password: str = APFS_PASSWORD, recovery_key: str | None = None
) -> Path:
    """dfvfs's APFS container with its volume encrypted, unlocked by `password` (and by
    `recovery_key`, a second unlock record of the volume key bag, as macOS keeps one)."""
    image = bytearray(plain_apfs(target).read_bytes())
    block = struct.unpack_from("<I", image, 36)[0]
    blocks = [image[i : i + block] for i in range(0, len(image), block)]
    supers = [n for n, b in enumerate(blocks) if b[32:36] == b"NXSB"]
    volumes = [n for n, b in enumerate(blocks) if b[32:36] == b"APSB"]
    container_uuid = bytes(blocks[0][72:88])
    latest = max(volumes, key=lambda n: struct.unpack_from("<Q", blocks[n], 16)[0])
    volume_uuid = bytes(blocks[latest][240:256])
    xid = struct.unpack_from("<Q", blocks[latest], 16)[0]

    vek = hashlib.sha256(b"netsafe test VEK").digest()
    kek = hashlib.sha256(b"netsafe test KEK").digest()
    salt, iterations = hashlib.sha256(b"netsafe test salt").digest()[:16], 1000

    nodes = _object_map_targets(blocks, struct.unpack_from("<Q", blocks[latest], 128)[0], block)
    units: list[tuple[int, int]] = []  # (block, its first sector's tweak)
    per_block = block // SECTOR
    for node in nodes:
        units.append((node, node * per_block))
        for physical, count, crypto_id in _file_extents(blocks[node], block):
            units.extend((physical + k, (crypto_id + k) * per_block) for k in range(count))
    plain = b"".join(bytes(blocks[n]) for n, _ in units)
    tweaks = [first + s for _, first in units for s in range(per_block)]
    cipher = _xts_encrypt(vek[:16], vek[16:], plain, tweaks)
    for i, (n, _) in enumerate(units):
        blocks[n] = bytearray(cipher[i * block : (i + 1) * block])

    volume_bag_at, container_bag_at = len(blocks), len(blocks) + 1
    user = hashlib.md5(b"netsafe test user").digest()
    records = []
    for who, secret in ((user, password), (_RECOVERY_USER, recovery_key)):
        if secret is not None:
            derived = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations)
            records.append((who, 3, _kek_blob(who, _wrap(derived, kek), iterations, salt)))
    volume_bag = _key_bag(_RECS, volume_bag_at, xid, block, records)
    container_bag = _key_bag(
        _KEYS,
        container_bag_at,
        xid,
        block,
        [
            (volume_uuid, 2, _kek_blob(volume_uuid, _wrap(kek, vek))),
            (volume_uuid, 3, struct.pack("<QQ", volume_bag_at, 1)),
        ],
    )
    blocks.append(bytearray(_xts_block(volume_uuid, volume_bag, volume_bag_at, block)))
    blocks.append(bytearray(_xts_block(container_uuid, container_bag, container_bag_at, block)))

    for n in supers:
        struct.pack_into("<Q", blocks[n], 40, len(blocks))
        struct.pack_into("<QQ", blocks[n], 1296, container_bag_at, 1)
        _checksum(blocks[n])
    for n in volumes:
        flags = struct.unpack_from("<Q", blocks[n], 264)[0]
        struct.pack_into("<Q", blocks[n], 264, flags & ~1)  # no longer APFS_FS_UNENCRYPTED
        _checksum(blocks[n])
    target.write_bytes(b"".join(bytes(b) for b in blocks))
    return target


def _object_map_targets(blocks: list[bytearray], omap: int, block: int) -> list[int]:
    """The physical blocks every entry of the object map at block `omap` points to."""
    found: list[int] = []
    pending = [struct.unpack_from("<Q", blocks[omap], 48)[0]]
    while pending:
        node = blocks[pending.pop()]
        leaf = bool(struct.unpack_from("<H", node, 32)[0] & _NODE_LEAF)
        for _key, value in _entries(node, block):
            if leaf:
                found.append(struct.unpack_from("<Q", value, 8)[0])
            else:
                pending.append(struct.unpack_from("<Q", value, 0)[0])
    return sorted(set(found))


def _file_extents(node: bytearray, block: int) -> list[tuple[int, int, int]]:
    """(physical block, block count, crypto id) of each file extent record of a leaf node."""
    if not struct.unpack_from("<H", node, 32)[0] & _NODE_LEAF:
        return []
    extents = []
    for key, value in _entries(node, block):
        if struct.unpack_from("<Q", key, 0)[0] >> 60 == _FILE_EXTENT:
            length, physical, crypto_id = struct.unpack_from("<QQQ", value, 0)
            length &= (1 << 56) - 1
            if physical:
                extents.append((physical, -(-length // block), crypto_id))
    return extents


def _entries(node: bytearray, block: int) -> list[tuple[bytes, bytes]]:
    """(key, value) of every entry of a B-tree node (btree_node_phys_t)."""
    flags, level, count = struct.unpack_from("<HHI", node, 32)
    toc_offset, toc_length = struct.unpack_from("<HH", node, 40)
    keys_start = 56 + toc_offset + toc_length
    values_end = block - (40 if flags & _NODE_ROOT else 0)
    entries = []
    for i in range(count):
        if flags & _NODE_FIXED:  # object maps: 16-byte keys, 16-byte (leaf) or 8-byte values
            k, v = struct.unpack_from("<HH", node, 56 + toc_offset + 4 * i)
            k_len, v_len = 16, 16 if level == 0 else 8
        else:
            k, k_len, v, v_len = struct.unpack_from("<HHHH", node, 56 + toc_offset + 8 * i)
        key = bytes(node[keys_start + k : keys_start + k + k_len])
        entries.append((key, bytes(node[values_end - v : values_end - v + v_len])))
    return entries


def _kek_blob(uuid: bytes, wrapped: bytes, iterations: int = 0, salt: bytes = b"") -> bytes:
    """A key-encrypted-key packed object: 0x30 { 0xa3 { 0x81 uuid, 0x82 metadata (encryption
    method 0: AES-256), 0x83 the wrapped key, and for a password 0x84 iterations, 0x85 salt } }."""
    inner = _tlv(0x81, uuid) + _tlv(0x82, bytes(8)) + _tlv(0x83, wrapped)
    if iterations:
        inner += _tlv(0x84, iterations.to_bytes(4, "big")) + _tlv(0x85, salt)
    return _tlv(0x30, _tlv(0xA3, inner))


def _tlv(tag: int, value: bytes) -> bytes:
    assert len(value) < 0x80
    return bytes([tag, len(value)]) + value


def _key_bag(
    kind: int, at: int, xid: int, block: int, entries: list[tuple[bytes, int, bytes]]
) -> bytes:
    body = b""
    for uuid, tag, data in entries:
        entry = uuid + struct.pack("<HHI", tag, len(data), 0) + data
        body += entry + bytes(-len(entry) % 16)
    locker = struct.pack("<HHI", 2, len(entries), 16 + len(body)) + bytes(8)
    bag = bytearray(block)
    struct.pack_into("<QQII", bag, 8, at, xid, kind, 0)
    bag[32 : 32 + len(locker) + len(body)] = locker + body
    _checksum(bag)
    return bytes(bag)


def _checksum(obj: bytearray) -> None:
    """APFS's Fletcher-64 of the object after its checksum field, stored in that field."""
    modulus = 0xFFFFFFFF
    low = high = 0
    for (word,) in struct.iter_unpack("<I", bytes(obj[8:])):
        low = (low + word) % modulus
        high = (high + low) % modulus
    check_low = modulus - ((low + high) % modulus)
    check_high = modulus - ((low + check_low) % modulus)
    struct.pack_into("<II", obj, 0, check_low, check_high)


def _xts_block(uuid: bytes, data: bytes, at: int, block: int) -> bytes:
    per_block = block // SECTOR
    return _xts_encrypt(uuid, uuid, data, [at * per_block + s for s in range(per_block)])


def _xts_encrypt(key1: bytes, key2: bytes, data: bytes, sectors: list[int]) -> bytes:
    """AES-XTS-128 of 512-byte units, unit i's tweak the little-endian `sectors[i]` (IEEE 1619:
    T = AES(key2, tweak), multiplied by x in GF(2^128) per 16-byte block)."""
    tweaks = _ecb(key2, b"".join(s.to_bytes(16, "little") for s in sectors))
    masks = bytearray()
    for i in range(len(sectors)):
        value = int.from_bytes(tweaks[16 * i : 16 * i + 16], "little")
        for _ in range(SECTOR // 16):
            masks += value.to_bytes(16, "little")
            value = ((value << 1) & ((1 << 128) - 1)) ^ (0x87 if value >> 127 else 0)
    whitened = bytes(a ^ b for a, b in zip(data, masks, strict=True))
    return bytes(a ^ b for a, b in zip(_ecb(key1, whitened), masks, strict=True))


def _ecb(key: bytes, data: bytes) -> bytes:
    return _openssl(["-aes-128-ecb", "-nopad", "-K", key.hex()], data)


def _wrap(key: bytes, data: bytes) -> bytes:
    """RFC 3394 AES key wrap (AES-256, the default IV A6A6A6A6A6A6A6A6)."""
    return _openssl(["-id-aes256-wrap", "-K", key.hex(), "-iv", "A6A6A6A6A6A6A6A6"], data)


def _openssl(options: list[str], data: bytes) -> bytes:
    done = subprocess.run(["openssl", "enc", *options], input=data, capture_output=True, check=True)
    return done.stdout
