# What the Gateway does with a token that carries only the product scope.
data "tyk_scope_resolution" "product_only" {
  api_id = tyk_api.payments.api_id
  scopes = ["product_payments"]
}

# A check block makes it a guarantee the plan reports on: such a token must
# be refused or held to a limit, never let through unlimited.
check "product_scope_alone_is_limited" {
  assert {
    condition = (
      !data.tyk_scope_resolution.product_only.allowed ||
      (data.tyk_scope_resolution.product_only.rate_limited && data.tyk_scope_resolution.product_only.quota_limited)
    )
    error_message = "A token with only the product scope would skip its plan: give the default policy floor limits."
  }
}
