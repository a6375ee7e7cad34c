# An OAS API is imported by its id (x-tyk-api-gateway.info.id).
terraform import tyk_oas_api.orders 4c1c0d8fc885401053ddac4e39ef676b
