/* A table renamed after `modelgen pull` kept its names: MG_NAME takes the
 * derived name, which the rename changed; the error says the new one. */
#include <stdint.h>

#include <modelgen/model.h>

struct MG_TABLE("customers") customer {
	int64_t id MG_PRIMARY_KEY;
};

struct MG_TABLE("purchases") MG_RENAMED_FROM("orders") MG_NAME("pk_orders", "orders_pkey")
	MG_NAME("ix_orders_customer_id", "orders_customer_idx")
	MG_NAME("fk_orders_customer_id", "orders_customer_id_fkey") purchase {
	int64_t id MG_PRIMARY_KEY;
	int64_t customer_id MG_INDEX MG_REFERENCES("customers", "id");
};
