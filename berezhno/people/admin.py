# Personal data is managed in the registry pages, never in the admin, so that every read is
# scoped and logged; the admin only shows reference data.
