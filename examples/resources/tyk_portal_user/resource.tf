resource "tyk_portal_user" "developer" {
  email      = "dev@acme.example"
  first_name = "Ada"
  last_name  = "Developer"
}
