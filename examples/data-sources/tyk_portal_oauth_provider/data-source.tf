data "tyk_portal_oauth_provider" "keycloak" {
  name = "Keycloak"
}

output "client_types" {
  value = data.tyk_portal_oauth_provider.keycloak.client_type_ids
}
