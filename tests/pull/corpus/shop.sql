-- A small shop, as a legacy application might have written it.
CREATE TABLE customers (
    id integer PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    name varchar(100) NOT NULL,
    phone varchar(30),
    created_at bigint NOT NULL
);
CREATE TABLE addresses (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    line1 varchar(200) NOT NULL,
    line2 varchar(200),
    city varchar(100) NOT NULL,
    zip varchar(20) NOT NULL,
    is_default boolean NOT NULL DEFAULT false
);
CREATE INDEX addresses_customer ON addresses (customer_id);
CREATE TABLE products (
    id integer PRIMARY KEY,
    sku varchar(40) NOT NULL UNIQUE,
    title varchar(200) NOT NULL,
    price numeric(10,2) NOT NULL,
    stock integer NOT NULL DEFAULT 0,
    active boolean NOT NULL DEFAULT true
);
CREATE TABLE orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    address_id integer REFERENCES addresses (id) ON DELETE SET NULL,
    status varchar(20) NOT NULL DEFAULT 'new',
    total numeric(12,2) NOT NULL DEFAULT 0,
    placed_at bigint NOT NULL
);
CREATE INDEX orders_customer_placed ON orders (customer_id, placed_at);
CREATE INDEX orders_status ON orders (status);
CREATE TABLE order_lines (
    order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    product_id integer NOT NULL REFERENCES products (id),
    qty integer NOT NULL DEFAULT 1,
    unit_price numeric(10,2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_product ON order_lines (product_id);
CREATE TABLE coupons (
    code varchar(32) PRIMARY KEY,
    percent integer NOT NULL,
    expires_at bigint
);
