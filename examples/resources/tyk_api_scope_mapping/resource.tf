# One mapping resource per product and per plan; they may share an API.
resource "tyk_api_scope_mapping" "payments_product" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { product_payments = tyk_policy.payments_product.id }
}

resource "tyk_api_scope_mapping" "free_plan" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { free_plan = tyk_policy.free_plan.id }
}
