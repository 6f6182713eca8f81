CREATE TYPE weather AS ENUM ('sun', 'rain', 'snow');
CREATE TABLE diary (
    id INTEGER NOT NULL PRIMARY KEY,
    sky weather
);
