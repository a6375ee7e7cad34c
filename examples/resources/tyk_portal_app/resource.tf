resource "tyk_portal_app" "payments_client" {
  user_id       = tyk_portal_user.developer.id
  name          = "Payments client"
  description   = "A backend that calls the Payments API"
  redirect_urls = ["https://app.example.com/oauth/callback"]
}
