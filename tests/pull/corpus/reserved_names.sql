-- Tables and columns named with SQL and C keywords.
CREATE TABLE "user" (
    id integer PRIMARY KEY,
    "order" integer NOT NULL DEFAULT 0,
    "default" text,
    "case" text,
    "int" integer,
    "group" text,
    "select" text
);
CREATE TABLE "order" (
    id integer PRIMARY KEY,
    "user" integer NOT NULL REFERENCES "user" (id),
    "table" text,
    "bool" integer,
    "true" integer
);
CREATE INDEX "order_user" ON "order" ("user");
