-- Quoted mixed-case names.
CREATE TABLE "UserAccounts" (
    "Id" serial PRIMARY KEY,
    "userName" text NOT NULL,
    "createdAt" timestamptz NOT NULL DEFAULT now(),
    "HTTPStatus" integer
);
CREATE TABLE "LoginEvents" (
    id bigserial PRIMARY KEY,
    "accountId" integer NOT NULL REFERENCES "UserAccounts" ("Id"),
    "At" timestamptz NOT NULL
);
CREATE INDEX "LoginEvents_accountId_idx" ON "LoginEvents" ("accountId");
