data "tyk_portal_app_accesses" "approved" {
  status = "approved"
}

# The OAuth client each approved access registered in the IdP.
output "client_ids" {
  value = { for a in data.tyk_portal_app_accesses.approved.accesses : a.import_id => a.client_id }
}
