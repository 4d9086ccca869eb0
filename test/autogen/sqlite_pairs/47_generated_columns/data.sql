INSERT INTO parcel (id, w, h, label, zone) VALUES (1, 2, 3, 'a', 10), (2, 1.5, 2, NULL, 20);
