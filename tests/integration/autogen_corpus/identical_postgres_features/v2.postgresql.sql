CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE "user" (
    id INTEGER NOT NULL PRIMARY KEY,
    "UserName" VARCHAR(50) NOT NULL,
    feeling mood DEFAULT 'ok',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    CONSTRAINT ck_user_name CHECK (char_length("UserName") > 0)
);
COMMENT ON TABLE "user" IS 'People';
COMMENT ON COLUMN "user"."UserName" IS 'Display name';
CREATE INDEX ix_user_active ON "user" ("UserName") WHERE active;
