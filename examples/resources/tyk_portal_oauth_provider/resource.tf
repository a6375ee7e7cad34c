resource "tyk_portal_oauth_provider" "keycloak" {
  name           = "Keycloak"
  type           = "Keycloak"
  well_known_url = "https://keycloak.example.com/realms/dcr/.well-known/openid-configuration"

  # The initial access token never lands in state or plan (Terraform 1.11+).
  registration_access_token_wo         = var.keycloak_initial_access_token
  registration_access_token_wo_version = 1
}

variable "keycloak_initial_access_token" {
  description = "Keycloak: Clients → Initial access token."
  type        = string
  sensitive   = true
}
