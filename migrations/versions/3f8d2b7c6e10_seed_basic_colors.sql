-- migrate:revision 3f8d2b7c6e10
-- migrate:revises 1d6b8f3a9c42
-- migrate:message seed basic colors
-- migrate:created 2026-02-18T09:40:02Z

-- migrate:upgrade
INSERT INTO colors (id_color, name, hex) VALUES
    (1, 'white',        '#FFFFFF'),
    (2, 'black',        '#000000'),
    (3, 'signal red',   '#A02128'),
    (4, 'ultramarine',  '#1B3F8B'),
    (5, 'ochre yellow', '#CC7722');

-- migrate:downgrade
DELETE FROM colors WHERE id_color IN (1, 2, 3, 4, 5);
