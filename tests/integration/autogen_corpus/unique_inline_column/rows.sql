INSERT INTO device (id, serial) VALUES (1, 'SN1');
