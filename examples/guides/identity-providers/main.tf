# OAuth2.0 providers and client types for the identity providers Tyk's DCR
# guide covers. Nothing here contacts the IdP: the Portal does, when it
# approves an access request.

terraform {
  required_providers {
    tyk = {
      source = "tykdcr/tyk"
    }
  }
}

provider "tyk" {}

variable "keycloak_initial_access_token" {
  description = "Keycloak: Clients → Initial access token."
  type        = string
  sensitive   = true
  default     = "keycloak-initial-access-token"
}

variable "okta_api_token" {
  description = "Okta: an API token (SSWS) of an admin allowed to manage apps."
  type        = string
  sensitive   = true
  default     = "okta-api-token"
}

# Keycloak: the realm's discovery URL and an initial access token.
resource "tyk_portal_oauth_provider" "keycloak" {
  name                                 = "Keycloak"
  type                                 = "Keycloak"
  well_known_url                       = "https://keycloak.example.com/realms/dcr/.well-known/openid-configuration"
  registration_access_token_wo         = var.keycloak_initial_access_token
  registration_access_token_wo_version = 1
}

resource "tyk_portal_client_type" "keycloak_service" {
  oauth_provider_id          = tyk_portal_oauth_provider.keycloak.id
  name                       = "Keycloak service client"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

# Okta: every client type needs an app type; client_credentials with the
# "service" type and response type "token" only.
resource "tyk_portal_oauth_provider" "okta" {
  name                                 = "Okta"
  type                                 = "Okta"
  well_known_url                       = "https://acme.okta.com/oauth2/default/.well-known/openid-configuration"
  registration_access_token_wo         = var.okta_api_token
  registration_access_token_wo_version = 1
}

resource "tyk_portal_client_type" "okta_service" {
  oauth_provider_id          = tyk_portal_oauth_provider.okta.id
  name                       = "Okta service app"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
  okta_app_type              = "service"
}

resource "tyk_portal_client_type" "okta_web" {
  oauth_provider_id          = tyk_portal_oauth_provider.okta.id
  name                       = "Okta web app"
  response_types             = ["code"]
  grant_types                = ["authorization_code", "refresh_token"]
  token_endpoint_auth_method = "client_secret_basic"
  okta_app_type              = "web"
}

# Gluu / Janssen: no initial access token; registration is enabled per
# scope ("Dynamic Registration" on each scope the products use).
resource "tyk_portal_oauth_provider" "gluu" {
  name           = "Gluu"
  type           = "Gluu"
  well_known_url = "https://gluu.example.com/.well-known/openid-configuration"
}

resource "tyk_portal_client_type" "gluu_service" {
  oauth_provider_id          = tyk_portal_oauth_provider.gluu.id
  name                       = "Gluu service client"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_post"
}

# Curity: type Other; set the DCR endpoint to no-authentication and allow
# only the Portal to reach it (its initial tokens are one-time).
resource "tyk_portal_oauth_provider" "curity" {
  name           = "Curity"
  type           = "Other"
  well_known_url = "https://curity.example.com/oauth/v2/oauth-anonymous/.well-known/openid-configuration"
}

resource "tyk_portal_client_type" "curity_service" {
  oauth_provider_id          = tyk_portal_oauth_provider.curity.id
  name                       = "Curity service client"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

# Ory Hydra: type Other, open registration (no token); set
# webfinger.oidc_discovery.client_registration_url so that discovery
# advertises the registration endpoint.
resource "tyk_portal_oauth_provider" "hydra" {
  name           = "Ory Hydra"
  type           = "Other"
  well_known_url = "https://hydra.example.com/.well-known/openid-configuration"
}

resource "tyk_portal_client_type" "hydra_web" {
  oauth_provider_id          = tyk_portal_oauth_provider.hydra.id
  name                       = "Hydra web app"
  response_types             = ["code"]
  grant_types                = ["authorization_code", "refresh_token"]
  token_endpoint_auth_method = "client_secret_post"
}
