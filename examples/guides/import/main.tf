# Bringing an existing Tyk setup under Terraform with import blocks
# (Terraform 1.5+). The ids come from the Dashboard and the Portal.

terraform {
  required_providers {
    tyk = {
      source = "tykdcr/tyk"
    }
  }
}

provider "tyk" {}

variable "api_id" {
  description = "The API's api_id (Dashboard → APIs → the API → API ID)."
  type        = string
}

variable "policy_id" {
  description = "The policy's _id (the 24 hex characters in its Dashboard URL)."
  type        = string
}

variable "oauth_provider_id" {
  description = "The OAuth2.0 provider's Portal id."
  type        = number
}

import {
  to = tyk_api.payments
  id = var.api_id
}

import {
  to = tyk_policy.product
  id = var.policy_id
}

import {
  to = tyk_api_scope_mapping.product
  id = "${var.api_id}:product_payments"
}

import {
  to = tyk_portal_oauth_provider.idp
  id = var.oauth_provider_id
}

# The configuration must describe what is there; `terraform plan` shows any
# difference before anything is changed.
resource "tyk_api" "payments" {
  name        = "Payments API"
  listen_path = "/payments/"
  target_url  = "http://payments.internal"
  jwt = {
    signing_method   = "rsa"
    jwks_url         = "https://idp.example.com/.well-known/jwks.json"
    scope_claim_name = "scope"
  }
}

resource "tyk_policy" "product" {
  name       = "Payments API Product"
  tags       = ["dcr"]
  partitions = { acl = true }
  access_rights {
    api_id   = tyk_api.payments.api_id
    api_name = "Payments API"
  }
}

resource "tyk_api_scope_mapping" "product" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { product_payments = tyk_policy.product.id }
}

resource "tyk_portal_oauth_provider" "idp" {
  name           = "Keycloak"
  type           = "Keycloak"
  well_known_url = "https://keycloak.example.com/realms/dcr/.well-known/openid-configuration"
}
