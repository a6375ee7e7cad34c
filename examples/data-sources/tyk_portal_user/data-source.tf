data "tyk_portal_user" "dev" {
  email = "dev@acme.example"
}
