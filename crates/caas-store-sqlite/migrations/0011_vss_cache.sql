-- The last good answer of VSS per VIN and endpoint (vss-api.md: the
-- platform MUST cache, revalidate with If-None-Match after max-age and serve
-- the copy, with its retrieval time, while VSS is down). A cache, not a
-- document: a body this release cannot read is refetched, so no doc_version.
CREATE TABLE vss_cache (
    vin          TEXT NOT NULL,
    endpoint     TEXT NOT NULL CHECK (endpoint IN ('compliance', 'maintenance-record')),
    etag         TEXT,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    retrieved_at TEXT NOT NULL,
    max_age_secs INTEGER NOT NULL CHECK (max_age_secs >= 0),
    PRIMARY KEY (vin, endpoint)
);
