resource "tyk_portal_app_access" "payments" {
  app_id         = tyk_portal_app.payments_client.id
  product_ids    = [tyk_portal_product.payments.id]
  plan_id        = tyk_portal_plan.free.id
  client_type_id = tyk_portal_client_type.service.id

  # Change to rotate the client secret through the Portal.
  rotation_triggers = { rotated = "2026-11" }

  timeouts = {
    create = "5m"
  }
}

output "client_id" {
  value = tyk_portal_app_access.payments.client_id
}

output "client_secret" {
  value     = tyk_portal_app_access.payments.client_secret
  sensitive = true
}
