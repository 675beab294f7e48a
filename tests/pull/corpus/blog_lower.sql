-- A small blog, written the way people write SQL: lower case, inline keys.
create table authors (
    id integer primary key,
    name text not null,
    email varchar(120) not null unique,
    bio text
);
create table posts (
    id integer primary key,
    author_id integer not null references authors (id) on delete cascade,
    title varchar(200) not null,
    body text not null default '',
    published boolean not null default false,
    created_at bigint not null
);
create index idx_posts_author on posts (author_id);
create index posts_created on posts (created_at);
create table post_tags (
    post_id integer not null references posts (id) on delete cascade,
    tag varchar(40) not null,
    primary key (post_id, tag)
);
