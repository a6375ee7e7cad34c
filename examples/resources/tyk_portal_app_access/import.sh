# <app_id>/<access_request_id>
terraform import tyk_portal_app_access.payments 7/12
