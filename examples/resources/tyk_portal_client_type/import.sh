# <oauth_provider_id>/<client_type_id>
terraform import tyk_portal_client_type.service 1/3
