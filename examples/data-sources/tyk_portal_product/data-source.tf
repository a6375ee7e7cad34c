data "tyk_portal_product" "payments" {
  name = "payments"
}
