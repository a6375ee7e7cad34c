# Every setting can also come from the environment:
# TYK_DASHBOARD_URL, TYK_DASHBOARD_TOKEN, TYK_PORTAL_URL, TYK_PORTAL_TOKEN.
provider "tyk" {
  dashboard_url   = "http://tyk-dashboard:3000"
  dashboard_token = var.tyk_dashboard_token
  portal_url      = "http://tyk-portal:3001"
  portal_token    = var.tyk_portal_token
  request_timeout = "30s"
  max_retries     = 4
}

variable "tyk_dashboard_token" {
  type      = string
  sensitive = true
}

variable "tyk_portal_token" {
  type      = string
  sensitive = true
}
