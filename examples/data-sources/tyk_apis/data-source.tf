data "tyk_apis" "payments" {
  name_regex = "^Payments"
}

# Every scope -> policy entry on those APIs, whoever wrote it.
output "scope_mappings" {
  value = { for a in data.tyk_apis.payments.apis : a.api_id => a.scope_to_policy }
}
