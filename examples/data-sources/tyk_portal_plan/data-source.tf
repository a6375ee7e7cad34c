data "tyk_portal_plan" "free" {
  name = "free"
}
