"""Carving: pictures and videos found by their structure in space no file owns.

The unallocated space of a file system and the unpartitioned space of a disk keep pictures whose
directory entries are gone or overwritten. `engine.carve` looks for each registered format's
signature over big buffers (`bytes.find`, never byte by byte in Python), then walks the
candidate's own structure (JPEG segments, PNG chunks with their CRCs, GIF blocks, BMP headers,
RIFF chunks, ISO-BMFF boxes) to find where it truly ends; pictures must then decode. Every walk
is capped in size, so hostile or truncated data never hangs or fills memory.

One module per format (`jpeg`, `png`, `gif`, `bmp`, `riff`, `isobmff`), registered in
`registry`; `space` reads scattered byte runs as one space; `allocation` finds a file system's
unallocated runs.
"""
