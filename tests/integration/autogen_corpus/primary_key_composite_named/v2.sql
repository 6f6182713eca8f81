CREATE TABLE membership (
    group_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    role VARCHAR(20),
    CONSTRAINT pk_membership PRIMARY KEY (group_id, user_id)
);
