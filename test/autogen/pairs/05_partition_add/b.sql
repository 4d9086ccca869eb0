-- kinds: table, partitioned, partition
-- checks: list partitioning: a partition added to an existing partitioned table (down: detached and dropped)
-- side b
CREATE TABLE event (
    id bigint NOT NULL,
    region text NOT NULL,
    body text
) PARTITION BY LIST (region);
CREATE TABLE event_eu PARTITION OF event FOR VALUES IN ('eu');
CREATE TABLE event_us PARTITION OF event FOR VALUES IN ('us', 'ca');
