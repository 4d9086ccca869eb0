-- kinds: partitioned, partition, index, primary key
-- checks: an index and a primary key on a partitioned table (they cascade to the partitions); a partition detached and dropped
-- side a
CREATE TABLE hit (id bigint NOT NULL, day date NOT NULL, url text) PARTITION BY RANGE (day);
CREATE TABLE hit_2025 PARTITION OF hit FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE hit_2026 PARTITION OF hit FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE hit_2027 PARTITION OF hit FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
