INSERT INTO event VALUES (1, 'start'), (2, 'stop');
