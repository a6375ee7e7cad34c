terraform import tyk_portal_user.developer 4
