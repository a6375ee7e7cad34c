# Adopting a DCR setup that was built by hand (Tyk's guide, in the Dashboard
# and Portal UIs): the configuration describes what is there, the plural data
# sources find each object's id by name, and `import` blocks (Terraform 1.7+
# for `for_each`) bring everything under management in one apply. Nothing is
# created or re-registered: the app's OAuth client keeps its client id and
# secret, which are read, never re-issued.
#
#   terraform plan   ->  Plan: 16 to import, 0 to add, 0 to change, 0 to destroy.
#   terraform apply  ->  Resources: 16 imported, 0 added, 0 changed, 0 destroyed.
#   terraform plan   ->  No changes.
#
# The import blocks can stay: for an object already in state they do nothing,
# and an object of the configuration that does not exist yet (a new app, say)
# has no id to import, so the for_each skips it and Terraform creates it.

terraform {
  required_version = ">= 1.7"
  required_providers {
    tyk = {
      source = "tykdcr/tyk"
    }
  }
}

provider "tyk" {}

variable "jwks_url" {
  description = "The IdP's JWKS URL."
  type        = string
  default     = "http://127.0.0.1:4444/.well-known/jwks.json"
}

variable "upstream_url" {
  description = "Where the Gateway proxies the APIs to."
  type        = string
  default     = "http://127.0.0.1:8080/echo"
}

variable "dashboard_url" {
  description = "The Dashboard URL as the Portal reaches it."
  type        = string
  default     = "http://127.0.0.1:3000"
}

variable "dashboard_secret" {
  description = "The API provider's Dashboard secret as the Portal holds it (an import reads it into state; see below)."
  type        = string
  sensitive   = true
}

variable "well_known_url" {
  description = "The IdP's OpenID Connect discovery URL."
  type        = string
  default     = "http://127.0.0.1:4444/.well-known/openid-configuration"
}

# ---------------------------------------------------------------------------
# Discovery: one list request per page for each kind (see each data source's
# documentation for the few per-item reads).

data "tyk_apis" "all" {}

data "tyk_policies" "all" {}

data "tyk_portal_oauth_providers" "all" {}

data "tyk_portal_client_types" "all" {}

data "tyk_portal_products" "all" {}

data "tyk_portal_plans" "all" {}

data "tyk_portal_users" "all" {}

data "tyk_portal_apps" "all" {}

data "tyk_portal_app_accesses" "approved" {
  status = "approved"
}

locals {
  api_ids         = { for a in data.tyk_apis.all.apis : a.name => a.api_id }
  policy_ids      = { for p in data.tyk_policies.all.policies : p.name => p.id }
  oauth_providers = { for o in data.tyk_portal_oauth_providers.all.oauth_providers : o.name => o }
  client_types    = { for c in data.tyk_portal_client_types.all.client_types : c.name => c }
  products        = { for p in data.tyk_portal_products.all.products : p.name => p }
  plans           = { for p in data.tyk_portal_plans.all.plans : p.name => p }
  users           = { for u in data.tyk_portal_users.all.users : u.email => u }
  apps            = { for a in data.tyk_portal_apps.all.apps : a.name => a }
  # The approved access of each app, by app name.
  accesses = { for a in data.tyk_portal_app_accesses.approved.accesses : one([for n, app in local.apps : n if app.id == a.app_id]) => a }
}

# ---------------------------------------------------------------------------
# What there is, as configuration. Developers, apps and accesses are maps:
# the setup has many of them.

locals {
  developers = {
    "developer@example.com" = { first_name = "Ada", last_name = "Developer" }
  }
  developer_apps = {
    "Payments client" = {
      developer   = "developer@example.com"
      description = "A backend that calls the Payments API"
      products    = ["Payments API Product"]
      plan        = "Free plan"
      client_type = "Confidential client"
    }
  }
}

# ---------------------------------------------------------------------------
# Import blocks: one per object, ids from the data sources.

import {
  to = tyk_api.noop
  id = local.api_ids["No Operation"]
}

import {
  to = tyk_api.payments
  id = local.api_ids["Payments API"]
}

import {
  to = tyk_policy.noop
  id = local.policy_ids["No Operation"]
}

import {
  to = tyk_policy.product
  id = local.policy_ids["Payments API Product"]
}

import {
  to = tyk_policy.plan
  id = local.policy_ids["Free plan"]
}

# A mapping resource owns the scopes its import ID names.
import {
  to = tyk_api_scope_mapping.product
  id = "${local.api_ids["Payments API"]}:product_payments"
}

import {
  to = tyk_api_scope_mapping.plan
  id = "${local.api_ids["Payments API"]}:free_plan"
}

import {
  to = tyk_portal_api_provider.dashboard
  id = local.plans["Free plan"].provider_id
}

import {
  to = tyk_portal_oauth_provider.idp
  id = local.oauth_providers["Ory Hydra"].import_id
}

import {
  to = tyk_portal_client_type.machine
  id = local.client_types["Confidential client"].import_id
}

import {
  to = tyk_portal_client_type.web
  id = local.client_types["Web application"].import_id
}

import {
  to = tyk_portal_product.payments
  id = local.products["Payments API Product"].import_id
}

import {
  to = tyk_portal_plan.free
  id = local.plans["Free plan"].import_id
}

import {
  for_each = { for email, d in local.developers : email => d if contains(keys(local.users), email) }
  to       = tyk_portal_user.developer[each.key]
  id       = local.users[each.key].import_id
}

import {
  for_each = { for name, a in local.developer_apps : name => a if contains(keys(local.apps), name) }
  to       = tyk_portal_app.this[each.key]
  id       = local.apps[each.key].import_id
}

# The access's import ID names its client type when its products allow more
# than one (no Portal answer says which one a request used).
import {
  for_each = { for name, a in local.developer_apps : name => a if contains(keys(local.accesses), name) }
  to       = tyk_portal_app_access.this[each.key]
  id       = "${local.accesses[each.key].import_id}/${local.client_types[each.value.client_type].id}"
}

# ---------------------------------------------------------------------------
# The resources, as in examples/dcr-dashboard-first.

resource "tyk_api" "noop" {
  name        = "No Operation"
  listen_path = "/noop/"
  target_url  = var.upstream_url
  jwt = {
    signing_method   = "rsa"
    jwks_url         = var.jwks_url
    scope_claim_name = "scp"
  }
}

resource "tyk_policy" "noop" {
  name               = "No Operation"
  rate               = 1
  per                = 3600
  quota_max          = 1
  quota_renewal_rate = 31536000
  access_rights {
    api_id   = tyk_api.noop.api_id
    api_name = tyk_api.noop.name
  }
}

resource "tyk_api" "payments" {
  name        = "Payments API"
  listen_path = "/payments/"
  target_url  = var.upstream_url
  jwt = {
    signing_method     = "rsa"
    jwks_url           = var.jwks_url
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = "scp"
  }
}

resource "tyk_policy" "product" {
  name       = "Payments API Product"
  tags       = ["dcr"]
  partitions = { acl = true }
  access_rights {
    api_id   = tyk_api.payments.api_id
    api_name = tyk_api.payments.name
  }
}

resource "tyk_policy" "plan" {
  name               = "Free plan"
  tags               = ["dcr"]
  rate               = 5
  per                = 1
  quota_max          = 1000
  quota_renewal_rate = 3600
  partitions         = { rate_limit = true, quota = true }
  access_rights {
    api_id   = tyk_api.payments.api_id
    api_name = tyk_api.payments.name
  }
}

resource "tyk_api_scope_mapping" "product" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { product_payments = tyk_policy.product.id }
}

resource "tyk_api_scope_mapping" "plan" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { free_plan = tyk_policy.plan.id }
}

# An import reads the Dashboard secret the Portal holds into
# `dashboard_secret`. To move to the write-only form after adoption, replace
# it with dashboard_secret_wo and dashboard_secret_wo_version in a later apply.
resource "tyk_portal_api_provider" "dashboard" {
  name             = "Tyk Dashboard"
  dashboard_url    = var.dashboard_url
  dashboard_secret = var.dashboard_secret
  org_id           = "demo-org"
  policy_tags      = ["dcr"]
}

# The registration access token (if the IdP needs one) cannot be read back:
# set registration_access_token_wo and a version only to send it again.
resource "tyk_portal_oauth_provider" "idp" {
  name           = "Ory Hydra"
  type           = "Other"
  well_known_url = var.well_known_url
}

resource "tyk_portal_client_type" "machine" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Confidential client"
  description                = "Server-side apps using client_credentials"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

resource "tyk_portal_client_type" "web" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Web application"
  response_types             = ["code"]
  grant_types                = ["authorization_code", "refresh_token"]
  token_endpoint_auth_method = "client_secret_post"
}

resource "tyk_portal_product" "payments" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  policy_id       = tyk_policy.product.id
  display_name    = "Payments API"
  dcr_enabled     = true
  scopes          = ["product_payments"]
  client_type_ids = [tyk_portal_client_type.machine.id, tyk_portal_client_type.web.id]
  catalogue_ids   = [1]
}

resource "tyk_portal_plan" "free" {
  provider_id   = tyk_portal_api_provider.dashboard.id
  policy_id     = tyk_policy.plan.id
  display_name  = "Free plan"
  scopes        = ["free_plan"]
  catalogue_ids = [1]
}

resource "tyk_portal_user" "developer" {
  for_each   = local.developers
  email      = each.key
  first_name = each.value.first_name
  last_name  = each.value.last_name
}

resource "tyk_portal_app" "this" {
  for_each    = local.developer_apps
  user_id     = tyk_portal_user.developer[each.value.developer].id
  name        = each.key
  description = each.value.description
}

locals {
  product_resources = { "Payments API Product" = tyk_portal_product.payments }
  plan_resources    = { "Free plan" = tyk_portal_plan.free }
  client_type_resources = {
    "Confidential client" = tyk_portal_client_type.machine
    "Web application"     = tyk_portal_client_type.web
  }
}

resource "tyk_portal_app_access" "this" {
  for_each       = local.developer_apps
  app_id         = tyk_portal_app.this[each.key].id
  product_ids    = [for p in each.value.products : local.product_resources[p].id]
  plan_id        = local.plan_resources[each.value.plan].id
  client_type_id = local.client_type_resources[each.value.client_type].id
  depends_on     = [tyk_api_scope_mapping.product, tyk_api_scope_mapping.plan]
}

output "client_ids" {
  description = "The adopted OAuth clients: the ids the IdP had before adoption."
  value       = { for name, a in tyk_portal_app_access.this : name => a.client_id }
}
