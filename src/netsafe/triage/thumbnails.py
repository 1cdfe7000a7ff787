"""How embedded thumbnails (thumbnail caches: `openers.content.thumbnail_cache`) are matched.

Thumbnails are small and lossy, so their PDQ hashes sit further from the listed picture's than
a full-size copy's do. Measured on thumbnails of the PDQ reference images (ThreatExchange's
test images, the 19 of quality ≥ 50 and at least 64 px a side; `benchmarks/
measure_thumbnail_pdq.py`): downscaled to fit 256 px (thumbcache_256.db) and recompressed as
JPEG 75/90, PNG or BMP, the distance to the original's hash was median 10, max 24 (all 19
within 31); to fit 96 px (thumbcache_96.db), median 20-22, 95th percentile 50-54, max 84-92
(15/19 within 31, 17-18/19 within 48). Thumbnails of different pictures were 104 bits apart or
more. Every thumbnail's quality was 100. So thumbnails are matched at distance 48 in every list
(a third more of the 96 px thumbnails found than at 31, still 56 bits short of the nearest
unrelated picture), and their quality floor stays the default 50 (quality did not drop).
"""

from __future__ import annotations

#: PDQ distance at which an embedded thumbnail matches a list entry (every list).
THUMBNAIL_MAX_DISTANCE = 48
#: PDQ quality under which an embedded thumbnail's hash is not searched (every list).
THUMBNAIL_QUALITY_FLOOR = 50
#: The flag an embedded thumbnail carries (`FileRecord.flags`, inventory.csv).
THUMBNAIL_FLAG = "thumbnail"
