-- kinds: table, partitioned, partition
-- checks: a plain table replaced by a range-partitioned table with two partitions and a default partition
-- side b
CREATE TABLE device (id integer PRIMARY KEY);
CREATE TABLE measurement (
    device_id integer NOT NULL,
    taken_at timestamptz NOT NULL,
    value double precision
) PARTITION BY RANGE (taken_at);
CREATE TABLE measurement_2025 PARTITION OF measurement
    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE measurement_2026 PARTITION OF measurement
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE measurement_other PARTITION OF measurement DEFAULT;
