CREATE TABLE "user" (
    id INTEGER NOT NULL PRIMARY KEY,
    "UserName" VARCHAR(80) NOT NULL,
    "select" INTEGER
);
CREATE TABLE "order" (
    id INTEGER NOT NULL PRIMARY KEY,
    "user" INTEGER REFERENCES "user" (id) ON DELETE CASCADE,
    "Group" VARCHAR(10) DEFAULT 'A'
);
CREATE INDEX "ix_Order_Group" ON "order" ("Group");
CREATE UNIQUE INDEX ux_user_name ON "user" ("UserName");
