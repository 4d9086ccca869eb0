-- migrate:revision abc1
-- migrate:revises base
-- migrate:created 2024-01-01T00:00+0100
-- migrate:upgrade
SELECT $migrate$x$migrate$, $migrate1$y$migrate1$; -- $migrate2