data "tyk_portal_user" "developer" {
  email = "developer@example.com"
}

data "tyk_portal_apps" "of_developer" {
  user_id = data.tyk_portal_user.developer.id
}

output "app_ids" {
  value = { for a in data.tyk_portal_apps.of_developer.apps : a.name => a.id }
}
