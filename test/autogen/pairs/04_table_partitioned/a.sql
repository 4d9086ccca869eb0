-- kinds: table, partitioned, partition
-- checks: a plain table replaced by a range-partitioned table with two partitions and a default partition
-- side a
CREATE TABLE device (id integer PRIMARY KEY);
