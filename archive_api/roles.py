"""The API's roles (a plain module, so the command line can list them without loading the web stack)."""

ROLES = ("uploader", "renewal_service", "archivist", "admin")
