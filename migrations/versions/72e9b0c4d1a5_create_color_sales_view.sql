-- migrate:revision 72e9b0c4d1a5
-- migrate:revises d0a4f7b35c92
-- migrate:message create color sales view
-- migrate:created 2026-02-24T08:45:19Z
-- migrate:depends c49f0d8e2a71

-- migrate:upgrade
CREATE VIEW color_sales AS
SELECT c.id_color,
       c.name,
       COUNT(l.id_order)          AS order_lines,
       COALESCE(SUM(l.liters), 0) AS liters_sold
FROM colors c
LEFT JOIN order_lines l ON l.id_color = c.id_color
GROUP BY c.id_color, c.name;

INSERT INTO saved_reports (id_report, title, definition)
VALUES (1, 'best-selling colors',
        'SELECT name, liters_sold FROM color_sales ORDER BY liters_sold DESC');

-- migrate:downgrade
DELETE FROM saved_reports WHERE id_report = 1;
DROP VIEW color_sales;
